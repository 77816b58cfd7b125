package io.segvault.agent.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import io.segvault.agent.cli.Json;
import io.segvault.agent.it.BorgRepos;
import io.segvault.agent.it.Cli;
import io.segvault.agent.it.ConfigFile;
import io.segvault.agent.it.PrometheusServer;
import io.segvault.agent.it.RgwUser;
import io.segvault.agent.it.Scrape;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.test.BorgFixture;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The witness against real borg and the real Ceph server, each role with its own RGW user whose rights a bucket policy
 * sets and the server enforces: the agent (write, no delete, nothing under {@code _witness/}), the witness (read all,
 * write only {@code _witness/}, delete for gc) and a restore host (read only). The attacker is whoever holds the agent's
 * credential, and writes through the S3 API.
 */
@ExtendWith(LockedBucketExtension.class)
class WitnessIT {

    static final RgwUser AGENT = RgwUser.ensure("segvault-it-agent", "SEGVAULTITAGENT00001", "segvaultitagentsecret000000000000000000");
    static final RgwUser WITNESS = RgwUser.ensure("segvault-it-witness", "SEGVAULTITWITNESS001",
            "segvaultitwitnesssecret0000000000000000");
    static final RgwUser RESTORE = RgwUser.ensure("segvault-it-restore", "SEGVAULTITRESTORE001",
            "segvaultitrestoresecret0000000000000000");
    private static final Duration LIMIT = Duration.ofMinutes(4);
    private static final String REPO = "prod";

    @TempDir
    Path tmp;

    /**
     * The bucket policy of terraform/modules/iam, in RGW's dialect. The bucket owner (the tests' default credential) cannot
     * read what other users wrote without an ACL grant, so every read here goes through the restore user.
     */
    static void policy(LockedBucket bucket) {
        String b = bucket.name();
        bucket.s3().putBucketPolicy(p -> p.bucket(b).policy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": ["%1$s"]}, "Action": ["s3:*"],
                   "Resource": ["arn:aws:s3:::%4$s", "arn:aws:s3:::%4$s/*"]},
                  {"Effect": "Deny", "Principal": {"AWS": ["%1$s"]}, "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
                   "Resource": ["arn:aws:s3:::%4$s/*"]},
                  {"Effect": "Deny", "Principal": {"AWS": ["%1$s"]}, "Action": ["s3:PutObject", "s3:PutObjectRetention"],
                   "Resource": ["arn:aws:s3:::%4$s/borg/_witness/*"]},
                  {"Effect": "Allow", "Principal": {"AWS": ["%2$s", "%3$s"]},
                   "Action": ["s3:ListBucket", "s3:ListBucketVersions", "s3:GetObject", "s3:GetObjectVersion",
                              "s3:GetObjectRetention", "s3:GetBucketVersioning", "s3:GetBucketObjectLockConfiguration"],
                   "Resource": ["arn:aws:s3:::%4$s", "arn:aws:s3:::%4$s/*"]},
                  {"Effect": "Allow", "Principal": {"AWS": ["%2$s"]}, "Action": ["s3:PutObject", "s3:PutObjectRetention"],
                   "Resource": ["arn:aws:s3:::%4$s/borg/_witness/*"]},
                  {"Effect": "Allow", "Principal": {"AWS": ["%2$s"]}, "Action": ["s3:DeleteObjectVersion"],
                   "Resource": ["arn:aws:s3:::%4$s/borg/*"]}]}""".formatted(AGENT.arn(), WITNESS.arn(), RESTORE.arn(), b)));
    }

    static Map<String, String> as(RgwUser user) {
        return Map.of("AWS_ACCESS_KEY_ID", user.accessKey(), "AWS_SECRET_ACCESS_KEY", user.secretKey());
    }

    static S3Client client(LockedBucket bucket, RgwUser user) {
        return S3Client.builder().endpointOverride(bucket.server().endpoint()).region(bucket.server().region()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(user.accessKey(), user.secretKey())))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
    }

    /** Makes the witness's key pair with the CLI; returns {private, public}. */
    Path[] keys() {
        Path priv = tmp.resolve("keys/witness.key");
        Path pub = tmp.resolve("keys/witness.pub");
        Cli.Result r = Cli.main("witness-keygen", "--private", priv.toString(), "--public", pub.toString());
        assertThat(r.exit()).as(r.both()).isZero();
        return new Path[] {priv, pub};
    }

    Path witnessConfig(LockedBucket bucket, Path[] keys, String metrics) {
        return new ConfigFile()
                .set("bucket", bucket.name())
                .set("endpoint", bucket.server().endpoint().toString())
                .set("region", bucket.server().region().id())
                .set("pathStyle", true)
                .set("prefix", ConfigFile.PREFIX)
                .set("key", keys[0].toString())
                .set("publicKey", keys[1].toString())
                .set("state", tmp.resolve("witness-state").toString())
                .set("repos", List.of(REPO))
                .set("horizon", "30m")
                .set("interval", "1s")
                .set("drill.interval", "0s")
                .set("drill.scratch", tmp.resolve("drills").toString())
                .set("metrics.address", metrics)
                .write(tmp.resolve("witness.yaml"));
    }

    Cli.Result run(RgwUser user, String... args) {
        return Cli.process(tmp.resolve("out"), as(user), LIMIT, args);
    }

    Cli.Result witnessOnce(Path cfg) {
        return run(WITNESS, "witness", "--config", cfg.toString(), "--once");
    }

    String[] store(LockedBucket bucket, String... more) {
        List<String> a = new ArrayList<>(List.of("--bucket", bucket.name(), "--endpoint", bucket.server().endpoint().toString(),
                "--prefix", ConfigFile.PREFIX, "--repo", REPO));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    String[] cmd(String command, LockedBucket bucket, String... more) {
        List<String> a = new ArrayList<>(List.of(command));
        a.addAll(List.of(store(bucket, more)));
        return a.toArray(String[]::new);
    }

    /** points --json, with the witness key: transaction to what the witness said. */
    JsonNode points(LockedBucket bucket, Path pub) throws Exception {
        Cli.Result r = run(RESTORE, cmd("points", bucket, "--json", "--trust", pub.toString()));
        assertThat(r.exit()).as(r.both()).isZero();
        return Json.mapper().readTree(r.out());
    }

    static String said(JsonNode points, long t) {
        for (JsonNode p : points) {
            if (p.get("transaction").asLong() == t) {
                return p.get("witness").asText();
            }
        }
        throw new AssertionError("no point " + t + " in " + points);
    }

    @Test
    void real_points_are_attested_forged_ones_are_not_and_restore_and_gc_trust_only_the_witness(LockedBucket bucket) throws Exception {
        policy(bucket);
        Path[] keys = keys();
        BorgRepos borg = new BorgRepos(tmp.resolve("borg"));
        Path repo = borg.create(tmp.resolve("repos/prod"), 7, 2);
        Path agentCfg = ConfigFile.forBucket(bucket, tmp.resolve("agent-state")).repo(REPO, repo).write(tmp.resolve("agent.yaml"));
        Path witnessCfg = witnessConfig(bucket, keys, "");

        Cli.Result sync = run(AGENT, "sync", "--config", agentCfg.toString());
        assertThat(sync.exit()).as(sync.both()).isZero();
        long t1 = BorgRepos.committed(repo);
        Cli.Result first = witnessOnce(witnessCfg);
        assertThat(first.exit()).as(first.both()).isZero();
        assertThat(first.out()).contains("prod: 1 verdict(s), 1 attested");

        borg.commit(repo, 7, 2, 1);
        long t2 = BorgRepos.committed(repo);
        assertThat(run(AGENT, "sync", "--config", agentCfg.toString()).exit()).isZero();
        Cli.Result second = witnessOnce(witnessCfg);
        assertThat(second.exit()).as(second.both()).isZero();
        JsonNode attested = points(bucket, keys[1]);
        assertThat(said(attested, t1)).startsWith("attested");
        assertThat(said(attested, t2)).startsWith("attested");
        Instant beforeCompromise = Instant.now();

        try (S3Client attacker = client(bucket, AGENT)) {
            assertThatThrownBy(() -> attacker.putObject(r -> r.bucket(bucket.name()).key("borg/_witness/prod/attestations/x.json"),
                    RequestBody.fromString("{}"))).as("the agent's credential cannot write the witness's prefix")
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
            Forger forger = new Forger(bucket, attacker);
            RestorePoint real = forger.read(t2);
            String realSha = forger.sha(t2);
            long tA = t2 + 100;
            long tB = t2 + 101;
            long tC = t2 + 102;
            // A: a well-formed successor of t2 whose new segment is garbage: fails the drill
            String shaA = forger.point(real, tA, t2, realSha, forger.segment(tA, garbage(1), true));
            // B: a successor of A: a fork of the chain the witness attested
            RestorePoint a = forger.read(tA);
            String shaB = forger.point(a, tB, tA, shaA, forger.segment(tB, garbage(2), true));
            // C: a successor of t2 whose new segment is not locked
            forger.point(real, tC, t2, realSha, forger.segment(tC, garbage(3), false));
            assertThat(shaB).isNotBlank();

            Cli.Result refused = witnessOnce(witnessCfg);
            assertThat(refused.exit()).as(refused.both()).isEqualTo(3);
            JsonNode after = points(bucket, keys[1]);
            assertThat(said(after, tA)).startsWith("refused (drill)");
            assertThat(said(after, tB)).startsWith("refused (fork)");
            assertThat(said(after, tC)).startsWith("refused (lock)").contains("segments/" + BucketLayout.pad(tC));

            Cli.Result chainOnly = run(RESTORE, cmd("points", bucket, "--json"));
            long chainHead = -1;
            for (JsonNode p : Json.mapper().readTree(chainOnly.out())) {
                if (p.get("consistent").asBoolean()) {
                    chainHead = Math.max(chainHead, p.get("transaction").asLong());
                }
            }
            assertThat(chainHead).as("without a witness the forged chain is the newest").isEqualTo(tB);

            borg.commit(repo, 7, 3, 1);
            long t3 = BorgRepos.committed(repo);
            assertThat(t3).isLessThan(tA);
            assertThat(run(AGENT, "sync", "--config", agentCfg.toString()).exit()).isZero();
            Cli.Result third = witnessOnce(witnessCfg);
            assertThat(third.exit()).as(third.both()).isZero();
            assertThat(said(points(bucket, keys[1]), t3)).startsWith("attested");

            // a fresh host with only the restore identity and the witness's public key
            Path target = tmp.resolve("restored");
            Cli.Result restore = run(RESTORE, cmd("restore", bucket, "--target", target.toString(), "--trust", keys[1].toString()));
            assertThat(restore.exit()).as(restore.both()).isZero();
            assertThat(restore.out()).contains("restored prod transaction " + t3);
            assertThat(restore.err()).contains("point " + t3 + " is attested by the witness");
            BorgFixture client = new BorgFixture(tmp.resolve("fresh-client"));
            assertThat(client.check(target).ok()).isTrue();

            Cli.Result before = run(RESTORE, cmd("restore", bucket, "--target", tmp.resolve("before").toString(), "--trust",
                    keys[1].toString(), "--before", beforeCompromise.toString()));
            assertThat(before.exit()).as(before.both()).isZero();
            assertThat(before.out()).contains("restored prod transaction " + t2);

            Cli.Result unattested = run(RESTORE, cmd("restore", bucket, "--target", tmp.resolve("forged").toString(), "--trust",
                    keys[1].toString(), "--point", Long.toString(tA)));
            assertThat(unattested.exit()).as(unattested.both()).isNotZero();
            assertThat(unattested.err()).contains("is not attested by witness", "refused (drill)", "--unattested");

            // gc: refused without the key; with the agent's credential nothing goes; the witness deletes C's unlocked segment
            assertThat(Cli.main(cmd("gc", bucket, "--keep", "0s")).exit()).isEqualTo(2);
            String forgedSegment = "borg/prod/segments/" + BucketLayout.pad(tC) + "/";
            Cli.Result agentGc = run(AGENT, cmd("gc", bucket, "--keep", "0s", "--trust", keys[1].toString()));
            assertThat(agentGc.exit()).as(agentGc.both()).isEqualTo(1);
            assertThat(agentGc.err()).contains(forgedSegment);
            assertThat(versions(bucket, forgedSegment)).isEqualTo(1);
            Cli.Result witnessGc = run(WITNESS, cmd("gc", bucket, "--keep", "0s", "--trust", keys[1].toString()));
            assertThat(witnessGc.exit()).as(witnessGc.both()).isZero();
            assertThat(witnessGc.out()).contains("deleted " + forgedSegment).contains("1 versions deleted");
            assertThat(versions(bucket, forgedSegment)).isZero();
        }
    }

    @Test
    void when_the_agent_stops_the_witness_exports_a_growing_age_and_the_alert_fires_on_a_real_prometheus(LockedBucket bucket)
            throws Exception {
        policy(bucket);
        Path[] keys = keys();
        BorgRepos borg = new BorgRepos(tmp.resolve("borg"));
        Path repo = borg.create(tmp.resolve("repos/prod"), 9, 1);
        Path agentCfg = ConfigFile.forBucket(bucket, tmp.resolve("agent-state")).repo(REPO, repo).write(tmp.resolve("agent.yaml"));
        assertThat(run(AGENT, "sync", "--config", agentCfg.toString()).exit()).isZero();
        int port = PrometheusServer.freePort();
        Path witnessCfg = witnessConfig(bucket, keys, "127.0.0.1:" + port);
        // the shipped rule with its 26 h threshold made 20 s and every for: 2 s; the expression is otherwise the shipped one
        Path rules = PrometheusServer.rulesForTest(Cli.projectRoot().resolve("docs/alerts/witness-rules.yml"), tmp.resolve("prom"),
                "2s", Map.of("segvault_witness_point_age_seconds > 26 * 3600", "segvault_witness_point_age_seconds > 20"));
        Cli.Running witness = Cli.start(tmp.resolve("out"), as(WITNESS), "witness", "--config", witnessCfg.toString());
        try (PrometheusServer prom = PrometheusServer.start(tmp.resolve("prom"), port, rules)) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() ->
                    assertThat(Scrape.of(port).value("segvault_witness_attested_age_seconds", "repo", REPO).orElseThrow())
                            .as("the witness attested the agent's point").isNotNaN());
            double first = Scrape.of(port).value("segvault_witness_point_age_seconds", "repo", REPO).orElseThrow();
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(Scrape.of(port).value("segvault_witness_point_age_seconds", "repo", REPO).orElseThrow())
                            .as("no agent writes: the age grows on its own").isGreaterThan(first + 2));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(prom.alerts()).as(prom.log()).anySatisfy(a -> {
                        assertThat(a.name()).isEqualTo("SegvaultWitnessReplicationStopped");
                        assertThat(a.labels()).containsEntry("repo", REPO);
                        assertThat(a.state()).isEqualTo("firing");
                    }));
            borg.commit(repo, 9, 2, 1);
            assertThat(run(AGENT, "sync", "--config", agentCfg.toString()).exit()).isZero();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(prom.alerts()).as("a new point resolves it")
                            .noneMatch(a -> a.name().equals("SegvaultWitnessReplicationStopped")));
        } finally {
            witness.kill();
        }
        assertThat(witness.output()).doesNotContain("REFUSED");
    }

    static int versions(LockedBucket bucket, String prefix) {
        return bucket.s3().listObjectVersions(r -> r.bucket(bucket.name()).prefix(prefix)).versions().size();
    }

    static byte[] garbage(long seed) {
        byte[] b = new byte[4096];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes objects and points as whoever holds the agent's credential could, through the S3 API. */
    static final class Forger {
        private final LockedBucket bucket;
        private final S3Client s3;
        private final BucketLayout layout = new BucketLayout(ConfigFile.PREFIX);

        Forger(LockedBucket bucket, S3Client s3) {
            this.bucket = bucket;
            this.s3 = s3;
        }

        String pointKey(long t) {
            var listed = s3.listObjectVersions(r -> r.bucket(bucket.name()).prefix(layout.pointsPrefix(REPO) + BucketLayout.pad(t) + "-"));
            assertThat(listed.versions()).as("one point of transaction " + t).hasSize(1);
            return listed.versions().get(0).key();
        }

        String sha(long t) {
            return ManifestCodec.sha256(s3.getObjectAsBytes(r -> r.bucket(bucket.name()).key(pointKey(t))).asByteArray());
        }

        RestorePoint read(long t) {
            String key = pointKey(t);
            byte[] b = s3.getObjectAsBytes(r -> r.bucket(bucket.name()).key(key)).asByteArray();
            io.segvault.core.manifest.StoredPoint s = ManifestCodec.decode(b, key, REPO, layout);
            // a delta (format 3) in full: its base's full point with the delta applied
            return s.delta() ? io.segvault.core.manifest.PointDeltas.apply(read(s.point().previous().transaction()), s, key)
                    : s.point();
        }

        RestorePoint.SegmentEntry segment(long n, byte[] bytes, boolean locked) {
            String sha = ManifestCodec.sha256(bytes);
            String rel = "segments/" + BucketLayout.pad(n) + "/" + sha;
            return new RestorePoint.SegmentEntry(n, rel, bytes.length, sha, put(layout.repoPrefix(REPO) + rel, bytes, locked));
        }

        String put(String key, byte[] bytes, boolean locked) {
            String md5;
            try {
                md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            return s3.putObject(r -> {
                r.bucket(bucket.name()).key(key).contentMD5(md5);
                if (locked) {
                    r.objectLockMode(ObjectLockMode.COMPLIANCE).objectLockRetainUntilDate(Instant.now().plus(Duration.ofHours(2)));
                }
            }, RequestBody.fromBytes(bytes)).versionId();
        }

        /** A point of transaction t after {@code base}: base's segments plus {@code extra}, config and hints copied; returns its SHA. */
        String point(RestorePoint base, long t, long previousT, String previousSha, RestorePoint.SegmentEntry extra) {
            List<RestorePoint.SegmentEntry> segs = new ArrayList<>(base.segments());
            segs.add(extra);
            List<RestorePoint.ControlEntry> control = new ArrayList<>();
            for (RestorePoint.ControlEntry c : base.control()) {
                String name = c.name().startsWith("hints.") ? "hints." + t : c.name().equals("config") ? "config" : null;
                if (name == null) {
                    continue;
                }
                byte[] bytes = s3.getObjectAsBytes(r -> r.bucket(bucket.name()).key(layout.repoPrefix(REPO) + c.key())
                        .versionId(c.versionId())).asByteArray();
                String rel = "control/" + BucketLayout.pad(t) + "/" + name;
                control.add(new RestorePoint.ControlEntry(name, rel, bytes.length, ManifestCodec.sha256(bytes),
                        put(layout.repoPrefix(REPO) + rel, bytes, true)));
            }
            RestorePoint forged = new RestorePoint(2, REPO, base.repoId(), t, Instant.now(), base.segmentsPerDir(),
                    new RestorePoint.PreviousPoint(previousT, previousSha), segs, control, true);
            byte[] bytes = ManifestCodec.encode(forged);
            String sha = ManifestCodec.sha256(bytes);
            put(layout.point(REPO, t, sha), bytes, true);
            return sha;
        }
    }

    static String text(Path p) throws java.io.IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
