package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.segvault.core.layout.BucketLayout;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import io.segvault.test.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/**
 * Bad input against real borg and the real S3 server (issue 11). Every case checks the exit code, the message (what is
 * wrong, naming the path, bucket or key) and that nothing changed: no object under the prefix, the repository
 * directories as they were, the restore target absent with nothing beside it, the ledger not created.
 */
@ExtendWith(LockedBucketExtension.class)
class CliBadInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void repositories_that_are_missing_borg_2_or_not_borg_fail_by_name_while_the_others_replicate(LockedBucket bucket)
            throws IOException {
        BorgRepos borg = new BorgRepos(tmp);
        Path alpha = borg.create(tmp.resolve("repos/alpha"), 71, 1);
        Path gone = tmp.resolve("repos/gone");
        Path borg2 = Files.createDirectories(tmp.resolve("repos/borg2"));
        Files.writeString(borg2.resolve("config"), "[repository]\nversion = 2\nid = " + "ab".repeat(32) + "\n");
        Path plain = Files.createDirectories(tmp.resolve("repos/plain"));
        Files.writeString(plain.resolve("notes.txt"), "just a directory\n");
        Path cfg = ConfigFile.forBucket(bucket, tmp.resolve("state"))
                .set("repos", List.of(repo("alpha", alpha), repo("gone", gone), repo("borg2", borg2), repo("plain", plain)))
                .write(tmp.resolve("agent.yaml"));
        Map<String, String> before = DirSnapshot.of(tmp.resolve("repos"));

        Cli.Result r = Cli.main("sync", "--config", cfg.toString());

        assertThat(r.exit()).as(r.both()).isEqualTo(1);
        assertThat(r.out()).contains("alpha: transaction " + BorgRepos.committed(alpha) + " replicated");
        assertThat(r.err().lines()).as(r.both()).containsExactlyInAnyOrder(
                "gone: FAILED: " + gone + ": repository directory does not exist",
                "borg2: FAILED: " + borg2.resolve("config") + ": Borg 2 repository (version = 2); only Borg 1.x repositories"
                        + " (version = 1) can be replicated",
                "plain: FAILED: " + plain + ": no config file, so not a Borg repository (or borg init has not finished)");
        assertThat(DirSnapshot.of(tmp.resolve("repos"))).as("the repositories after the sync").isEqualTo(before);
        assertThat(new BucketView(bucket).versions(ConfigFile.PREFIX)).as("objects written")
                .allSatisfy(v -> assertThat(v).startsWith(ConfigFile.PREFIX + "alpha/"));

        Cli.Result status = Cli.main("status", "--config", cfg.toString());
        assertThat(status.exit()).as(status.both()).isEqualTo(3);
        assertThat(status.out()).contains("gone (" + gone + "): NOT up to date")
                .contains("problem:          " + gone + ": repository directory does not exist")
                .contains("alpha (" + alpha + "): up to date");
    }

    @Test
    void a_bucket_without_object_lock_is_refused_by_preflight_and_sync_naming_what_is_missing(LockedBucket bucket) throws IOException {
        String plain = bucket.server().createPlainBucket(bucket.s3(), "CliBadInputIT-plain");
        Path repo = new BorgRepos(tmp).create(tmp.resolve("repos/alpha"), 72, 1);
        Path state = tmp.resolve("state");
        Path cfg = ConfigFile.forBucket(bucket, state).set("bucket", plain).repo("alpha", repo).write(tmp.resolve("agent.yaml"));
        String noLock = "bucket " + plain + " does not have Object Lock enabled";
        String noVersioning = "bucket " + plain + " does not have versioning enabled";

        Cli.Result preflight = Cli.main("preflight", "--config", cfg.toString());
        assertThat(preflight.exit()).as(preflight.both()).isEqualTo(1);
        assertThat(preflight.out()).contains("bucket " + plain + ": versioning NOT enabled, Object Lock NOT enabled");
        assertThat(preflight.err()).contains("segvault preflight: error: " + noLock).contains("segvault preflight: error: " + noVersioning);

        Cli.Result sync = Cli.main("sync", "--config", cfg.toString());
        assertThat(sync.exit()).as(sync.both()).isEqualTo(1);
        assertThat(sync.err()).startsWith("segvault sync: error: preflight failed: ").contains(noLock).contains(noVersioning);
        assertThat(bucket.s3().listObjectVersions(b -> b.bucket(plain)).versions()).as("objects in " + plain).isEmpty();
        assertThat(DirSnapshot.of(state, "agent.lock")).as("state beyond the lock file").isEmpty();
    }

    @Test
    void wrong_credentials_are_denied_never_taken_for_missing_objects(LockedBucket bucket) throws IOException {
        Path cfg = syncedRepository(bucket, 73).config();
        BucketView view = new BucketView(bucket);
        Set<String> before = view.versions("");
        Map<String, String> wrong = Map.of("AWS_SECRET_ACCESS_KEY", "not-the-secret-" + System.nanoTime());
        String denied = "was denied: the credential may not do this (HTTP 403 SignatureDoesNotMatch";
        Path target = tmp.resolve("restored");
        Duration limit = Duration.ofSeconds(90);

        Cli.Result preflight = Cli.process(tmp.resolve("out"), wrong, limit, "preflight", "--config", cfg.toString());
        Cli.Result sync = Cli.process(tmp.resolve("out"), wrong, limit, "sync", "--config", cfg.toString());
        Cli.Result restore = Cli.process(tmp.resolve("out"), wrong, limit, "restore", "--config", cfg.toString(), "--repo", "alpha",
                "--target", target.toString());

        assertThat(preflight.exit()).as(preflight.both()).isEqualTo(1);
        assertThat(preflight.err()).contains("segvault preflight: error: GetBucketVersioning bucket " + bucket.name() + " " + denied);
        assertThat(sync.exit()).as(sync.both()).isEqualTo(1);
        assertThat(sync.err()).contains("segvault sync: error: GetBucketVersioning bucket " + bucket.name() + " " + denied);
        assertThat(restore.exit()).as(restore.both()).isEqualTo(1);
        assertThat(restore.err()).contains("segvault restore: error: ListObjectVersions prefix borg/alpha/points/").contains(denied)
                .doesNotContain("no restore points");
        assertThat(target).doesNotExist();
        assertThat(view.versions("")).as("bucket after the denied commands").isEqualTo(before);
    }

    @Test
    void an_endpoint_that_is_not_s3_is_called_that_and_a_closed_port_a_network_failure() throws IOException {
        HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        web.createContext("/", ex -> {
            byte[] page = "<!DOCTYPE html><html><body>Welcome to nginx!</body></html>".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, page.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(page);
            }
        });
        web.start();
        Path repo = new BorgRepos(tmp).create(tmp.resolve("repos/alpha"), 74, 1);
        Path state = tmp.resolve("state");
        Path target = tmp.resolve("restored");
        try {
            String html = "http://127.0.0.1:" + web.getAddress().getPort();
            Path cfg = Files.writeString(tmp.resolve("agent.yaml"), "bucket: vault\nendpoint: " + html + "\npathStyle: true\nstate: " + state
                    + "\nrepos:\n  - {name: alpha, path: " + repo + "}\n");
            String notS3 = html + " answered %s with HTTP 200 and an HTML page, not an S3 response";
            for (String command : List.of("preflight", "sync")) {
                Cli.Result r = Cli.main(command, "--config", cfg.toString());
                assertThat(r.exit()).as(r.both()).isEqualTo(1);
                assertThat(r.err()).as(r.both()).contains(notS3.formatted("GetBucketVersioning")).doesNotContain("Object Lock");
            }
            Cli.Result points = Cli.main("points", "--config", cfg.toString(), "--repo", "alpha");
            assertThat(points.exit()).as(points.both()).isEqualTo(1);
            assertThat(points.err()).contains(notS3.formatted("ListObjectVersions"));
            Cli.Result restore = Cli.main("restore", "--config", cfg.toString(), "--repo", "alpha", "--target", target.toString());
            assertThat(restore.exit()).as(restore.both()).isEqualTo(1);
            assertThat(restore.err()).contains(notS3.formatted("ListObjectVersions")).doesNotContain("no restore points");
        } finally {
            web.stop(0);
        }
        Cli.Result closed = Cli.main("preflight", "--bucket", "vault", "--endpoint", "http://127.0.0.1:9");
        assertThat(closed.exit()).as(closed.both()).isEqualTo(1);
        assertThat(closed.err()).contains("GetBucketVersioning bucket vault failed on the network").contains("Connection refused");
        assertThat(target).doesNotExist();
        assertThat(DirSnapshot.of(state, "agent.lock")).as("state beyond the lock file").isEmpty();
    }

    @Test
    void plain_http_to_another_host_sends_nothing_until_allowed_and_then_reaches_that_host() throws IOException {
        String otherName = loopbackAliasFromHosts();
        AtomicInteger requests = new AtomicInteger();
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getByName(otherName), 0), 8);
        web.createContext("/", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        web.start();
        Path repo = new BorgRepos(tmp).create(tmp.resolve("repos/alpha"), 75, 1);
        Path state = tmp.resolve("state");
        Path target = tmp.resolve("restored");
        try {
            // a host name segvault does not resolve and so treats as another host; /etc/hosts points it at loopback, so no
            // byte of this test leaves the machine
            String url = "http://" + otherName + ":" + web.getAddress().getPort();
            String yaml = "bucket: vault\nendpoint: " + url + "\npathStyle: true\nstate: " + state
                    + "\nrepos:\n  - {name: alpha, path: " + repo + "}\n";
            Path cfg = Files.writeString(tmp.resolve("agent.yaml"), yaml);
            for (String command : List.of("sync", "preflight")) {
                Cli.Result r = Cli.main(command, "--config", cfg.toString());
                assertThat(r.exit()).as(r.both()).isEqualTo(2);
                assertThat(r.err().lines()).as(r.both()).singleElement().asString().contains(
                        cfg + ": 'endpoint' " + url + " is plain HTTP to another host", "set 'allowInsecureHttp: true'");
            }
            Cli.Result restore = Cli.main("restore", "--bucket", "vault", "--endpoint", url, "--repo", "alpha",
                    "--target", target.toString());
            assertThat(restore.exit()).as(restore.both()).isEqualTo(2);
            assertThat(restore.err()).contains("--endpoint " + url + " is plain HTTP", "--allow-insecure-http");
            assertThat(requests).as("requests that reached " + url + " before anything was allowed").hasValue(0);
            assertThat(state).doesNotExist();

            Cli.Result allowed = Cli.main("points", "--bucket", "vault", "--endpoint", url, "--repo", "alpha",
                    "--allow-insecure-http");
            assertThat(allowed.exit()).as(allowed.both()).isEqualTo(1);
            assertThat(requests.get()).as("the flag lets requests through to " + url + ": " + allowed.both()).isPositive();
            Files.writeString(cfg, yaml + "allowInsecureHttp: true\n");
            int before = requests.get();
            Cli.Result preflight = Cli.main("preflight", "--config", cfg.toString());
            assertThat(preflight.exit()).as(preflight.both()).isEqualTo(1);
            assertThat(requests.get()).as("the config key lets requests through").isGreaterThan(before);
        } finally {
            web.stop(0);
        }
        assertThat(target).doesNotExist();
    }

    /**
     * A name other than {@code localhost} that /etc/hosts maps into 127.0.0.0/8 (Debian's hostname line, for instance);
     * fails (does not skip) where there is none.
     */
    private static String loopbackAliasFromHosts() throws IOException {
        for (String line : Files.readAllLines(Path.of("/etc/hosts"))) {
            String[] f = line.replaceAll("#.*", "").trim().split("\\s+");
            if (f.length >= 2 && f[0].startsWith("127.")) {
                for (int i = 1; i < f.length; i++) {
                    if (!f[i].equalsIgnoreCase("localhost") && !f[i].contains(":")) {
                        return f[i];
                    }
                }
            }
        }
        throw new AssertionError("this test needs a name other than localhost for a 127.x address in /etc/hosts; found none");
    }

    @Test
    void restore_points_that_are_not_json_break_the_chain_or_name_escaping_keys_are_refused(LockedBucket bucket) throws IOException {
        Synced alpha = syncedRepository(bucket, 75);
        Path cfg = alpha.config();
        long t = BorgRepos.committed(alpha.repo());
        List<String> alphaPoints = new BucketView(bucket).pointKeys("alpha");
        byte[] real = bucket.s3().getObjectAsBytes(b -> b.bucket(bucket.name()).key(alphaPoints.get(alphaPoints.size() - 1)))
                .asByteArray();
        put(bucket, point("notjson", t), "this is not a restore point {".getBytes(StandardCharsets.UTF_8));
        byte[] first = relabel(real, "chain", t, null);
        put(bucket, point("chain", t), first);
        put(bucket, point("chain", t + 1), relabel(real, "chain", t + 1, "0".repeat(64)));
        put(bucket, point("dotdot", t), withFirstSegmentKey(real, "dotdot", "segments/../../alpha/segments/x"));
        put(bucket, point("absolute", t), withFirstSegmentKey(real, "absolute", "/etc/passwd"));
        BucketView view = new BucketView(bucket);
        Set<String> before = view.versions("");

        assertRestoreRefused(cfg, "notjson", noneConsistent("notjson", t) + point("notjson", t)
                + " is not a valid restore point (JSON): Unrecognized token 'this'");
        assertRestoreRefused(cfg, "dotdot", noneConsistent("dotdot", t) + point("dotdot", t)
                + " names an invalid key: object key 'segments/../../alpha/segments/x' is not a relative key of this layout "
                + "(absolute or contains '..')");
        assertRestoreRefused(cfg, "absolute", noneConsistent("absolute", t) + point("absolute", t)
                + " names an invalid key: object key '/etc/passwd' is not a relative key of this layout");

        Cli.Result verify = Cli.main("verify", "--config", cfg.toString(), "--repo", "chain");
        assertThat(verify.exit()).as(verify.both()).isEqualTo(3);
        assertThat(verify.out()).contains("INCONSISTENT_POINT " + point("chain", t + 1));
        Cli.Result points = Cli.main("points", "--config", cfg.toString(), "--repo", "notjson");
        assertThat(points.exit()).as(points.both()).isEqualTo(0);
        assertThat(points.out()).contains("INCONSISTENT " + point("notjson", t) + ": " + point("notjson", t)
                + " is not a valid restore point");
        assertThat(view.versions("")).as("bucket after the refused restores").isEqualTo(before);
    }

    /** A repository and its config. */
    private record Synced(Path repo, Path config) {
    }

    /** Repository {@code alpha} (1 MiB), replicated by a sync that succeeded. */
    private Synced syncedRepository(LockedBucket bucket, long seed) {
        Path repo = new BorgRepos(tmp).create(tmp.resolve("repos/alpha"), seed, 1);
        Path cfg = ConfigFile.forBucket(bucket, tmp.resolve("state")).repo("alpha", repo).write(tmp.resolve("agent.yaml"));
        Cli.Result sync = Cli.main("sync", "--config", cfg.toString());
        assertThat(sync.exit()).as(sync.both()).isZero();
        return new Synced(repo, cfg);
    }

    private static String noneConsistent(String repo, long t) {
        return "repository '" + repo + "' has 1 restore point(s) but none is consistent (first: " + point(repo, t) + " ";
    }

    private void assertRestoreRefused(Path cfg, String repo, String message) throws IOException {
        Path target = tmp.resolve("restored-" + repo);
        Cli.Result r = Cli.main("restore", "--config", cfg.toString(), "--repo", repo, "--target", target.toString());
        assertThat(r.exit()).as(r.both()).isEqualTo(1);
        assertThat(r.err()).as(r.both()).startsWith("segvault restore: error: " + message);
        assertThat(target).doesNotExist();
        try (Stream<Path> beside = Files.list(tmp)) {
            assertThat(beside.map(p -> p.getFileName().toString())).as("left beside the target").noneMatch(n -> n.contains("segvault-"));
        }
    }

    private static Map<String, String> repo(String name, Path path) {
        return Map.of("name", name, "path", path.toString());
    }

    private static String point(String repo, long t) {
        return ConfigFile.PREFIX + repo + "/points/" + BucketLayout.pad(t) + ".json";
    }

    /** The real point's JSON as another repository's point of transaction {@code t}, chained to {@code previousSha}. */
    private static byte[] relabel(byte[] real, String repo, long t, String previousSha) throws IOException {
        ObjectNode p = (ObjectNode) JSON.readTree(real);
        p.put("repo", repo).put("transaction", t);
        if (previousSha != null) {
            p.putObject("previous").put("transaction", t - 1).put("sha256", previousSha);
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(p);
    }

    private static byte[] withFirstSegmentKey(byte[] real, String repo, String key) throws IOException {
        ObjectNode p = (ObjectNode) JSON.readTree(relabel(real, repo, JSON.readTree(real).get("transaction").asLong(), null));
        ((ObjectNode) p.get("segments").get(0)).put("key", key);
        return JSON.writeValueAsBytes(p);
    }

    /** Writes {@code body} as segvault would: COMPLIANCE-locked (an hour), with Content-MD5. */
    private static void put(LockedBucket bucket, String key, byte[] body) {
        bucket.s3().putObject(b -> b.bucket(bucket.name()).key(key).objectLockMode(ObjectLockMode.COMPLIANCE)
                .objectLockRetainUntilDate(Instant.now().plus(1, ChronoUnit.HOURS)).contentMD5(digest("MD5", body)), RequestBody.fromBytes(body));
    }

    private static String digest(String algorithm, byte[] body) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
