package io.segvault.core.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.core.borg.BorgRepository;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.restore.PointRef;
import io.segvault.core.restore.RestoreProgress;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.verify.Problem;
import io.segvault.core.verify.VerifyReport;
import io.segvault.core.verify.Verifier;
import io.segvault.test.Attacker;
import io.segvault.test.BorgFixture;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import io.segvault.test.ReplicationRig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of a root user on the backup server, who holds the agent's S3 credential (writes anywhere under the
 * prefix through the S3 API, cannot delete or shorten a lock), against real borg and the real S3 server; after each,
 * the normal life of the repository goes on and restore still rebuilds the newest real state.
 */
@ExtendWith(LockedBucketExtension.class)
class HostileWriterIT {

    private static final RetentionPolicy ONE_DAY = new RetentionPolicy(Duration.ofDays(2), Duration.ofDays(1));
    private static final String REPO = "acme";

    @TempDir
    Path tmp;

    private Path newRepo(BorgFixture borg, String name, int archives) {
        Path repo = tmp.resolve(name);
        borg.init(repo, "repokey-blake2");
        borg.config(repo, "max_segment_size", "1M");
        for (int i = 1; i <= archives; i++) {
            commit(borg, repo, "a" + i, i);
        }
        return repo;
    }

    private void commit(BorgFixture borg, Path repo, String archive, int generation) {
        BorgFixture.generateData(tmp.resolve("src"), 11, generation, 2);
        borg.create(repo, archive, tmp.resolve("src"));
    }

    /** What an attacker with the agent's credential writes: any bytes, any metadata, COMPLIANCE-locked. */
    private static String plant(LockedBucket bucket, String key, byte[] body, Map<String, String> metadata) {
        return new Attacker(bucket).plant(key, body, metadata);
    }

    private static byte[] read(LockedBucket bucket, String key, String versionId) {
        return new Attacker(bucket).read(key, versionId);
    }

    @Test
    void squatted_future_keys_and_planted_points_neither_stop_nor_poison_replication(LockedBucket bucket) throws IOException {
        BorgFixture borg = new BorgFixture(tmp);
        Path repo = newRepo(borg, "repo", 2);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "borg/", ONE_DAY)) {
            rig.pass().run(REPO, repo);
            assertThat(rig.s3.readBackBytes()).as("nothing is read back when no key was occupied").isZero();
            PointRef first = rig.catalog().select(REPO, "latest", null, Instant.now());
            RestorePoint p1 = rig.catalog().read(first);
            long t1 = p1.transaction();
            String base = rig.layout.repoPrefix(REPO);
            RestorePoint.ControlEntry config = p1.control().stream().filter(c -> c.name().equals("config")).findFirst().orElseThrow();
            byte[] realConfig = read(bucket, base + config.key(), config.versionId());
            byte[] garbage = new byte[realConfig.length];
            java.util.Arrays.fill(garbage, (byte) 'x');
            // squat the next transactions' config (garbage, claiming the real hash) and nonce (a huge counter)
            for (long t = t1 + 1; t <= t1 + 8; t++) {
                plant(bucket, rig.layout.control(REPO, t, "config"), garbage, Map.of("sha256", config.sha256()));
                plant(bucket, rig.layout.control(REPO, t, "nonce"), "ffffffffffffffff".getBytes(StandardCharsets.US_ASCII),
                        Map.of("sha256", ManifestCodec.sha256("ffffffffffffffff".getBytes(StandardCharsets.US_ASCII))));
            }
            // a well-formed point far in the future, copied from the real one and chained to it
            byte[] copy = read(bucket, first.key(), first.versionId());
            String hijackKey = rig.layout.point(REPO, 9_999_999_999L, ManifestCodec.sha256(copy));
            plant(bucket, hijackKey, copy, Map.of());
            // a second genesis and a dangling link, each with a consistent-looking structure of transaction t1 + 1
            RestorePoint genesis = new RestorePoint(2, REPO, p1.repoId(), t1 + 100, Instant.now(), p1.segmentsPerDir(), null,
                    p1.segments(), p1.control(), p1.indexOmitted());
            byte[] g = ManifestCodec.encode(genesis);
            String genesisKey = rig.layout.point(REPO, t1 + 100, ManifestCodec.sha256(g));
            plant(bucket, genesisKey, g, Map.of());

            commit(borg, repo, "a3", 3);
            SyncResult r = rig.pass().run(REPO, repo);

            assertThat(r.pointWritten()).as("replication goes on").isTrue();
            assertThat(rig.s3.readBackBytes()).as("the occupied config key was read back").isGreaterThanOrEqualTo(garbage.length);
            long t2 = r.transaction();
            assertThat(t2).isBetween(t1 + 1, t1 + 8);
            assertThat(rig.ledger().events(REPO, 20)).extracting(Ledger.EventRecord::kind).contains("FOREIGN_OBJECT");
            PointRef latest = rig.catalog().select(REPO, "latest", null, Instant.now());
            assertThat(latest.transaction()).as("latest is the newest consistent point, not the largest T").isEqualTo(t2);
            RestorePoint p2 = rig.catalog().read(latest);
            RestorePoint.ControlEntry config2 = p2.control().stream().filter(c -> c.name().equals("config")).findFirst().orElseThrow();
            assertThat(config2.key()).as("the squatted key was not used").contains("~");
            assertThat(read(bucket, base + config2.key(), config2.versionId())).isEqualTo(realConfig);
            assertThat(rig.catalog().list(REPO)).filteredOn(p -> !p.consistent()).extracting(PointRef::key)
                    .contains(hijackKey, genesisKey);

            VerifyReport report = new Verifier(rig.catalog()).verify(REPO, false, false, Instant.now());
            assertThat(report.problems()).extracting(Problem::code, Problem::subject)
                    .contains(org.assertj.core.groups.Tuple.tuple("INCONSISTENT_POINT", hijackKey),
                            org.assertj.core.groups.Tuple.tuple("INCONSISTENT_POINT", genesisKey),
                            org.assertj.core.groups.Tuple.tuple("FOREIGN_VERSION", rig.layout.control(REPO, t2, "config")));

            // the repository's normal life goes on: prune, compact, another create
            borg.prune(repo, 2);
            borg.compact(repo);
            commit(borg, repo, "a4", 4);
            SyncResult r3 = rig.pass().run(REPO, repo);
            assertThat(r3.pointWritten()).isTrue();

            Path target = tmp.resolve("restored");
            PointRef newest = rig.catalog().select(REPO, "latest", null, Instant.now());
            assertThat(newest.transaction()).isEqualTo(r3.transaction());
            rig.restorer().restore(newest, target, RestoreProgress.NONE);
            BorgFixture client = new BorgFixture(tmp.resolve("client"));
            assertThat(client.check(target).ok()).as("borg check of the restored repository").isTrue();
            // what prune kept: --keep-last is borg's keep-secondly, so a2 and a3 made in the same second keep a1 and a3
            assertThat(client.list(target)).containsExactlyElementsOf(borg.list(repo)).hasSize(3).contains("a3", "a4");
            String nonce = Files.readString(target.resolve("nonce")).strip();
            long own = Long.parseUnsignedLong(Files.readString(repo.resolve("nonce")).strip(), 16);
            assertThat(nonce).as("the planted nonce is never used").isNotEqualTo("ffffffffffffffff");
            assertThat(Long.compareUnsigned(Long.parseUnsignedLong(nonce, 16), own)).as("never below the repository's own nonce")
                    .isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void another_repository_under_a_replicated_name_is_refused_with_a_ledger_and_on_a_fresh_host(LockedBucket bucket) {
        BorgFixture borg = new BorgFixture(tmp);
        Path repo = newRepo(borg, "repo", 1);
        Path other = newRepo(borg, "other", 1);
        String otherId = BorgRepository.open(other).readConfig().id();
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "", ONE_DAY)) {
            rig.pass().run(REPO, repo);
            int versions = rig.store().listVersions(rig.layout.repoPrefix(REPO)).size();

            assertThatThrownBy(() -> rig.pass().run(REPO, other)).hasMessageContaining("is Borg repository " + otherId)
                    .hasMessageContaining("'" + REPO + "'");
            assertThat(rig.store().listVersions(rig.layout.repoPrefix(REPO))).as("nothing written under the name").hasSize(versions);

            try (ReplicationRig fresh = new ReplicationRig(bucket, tmp.resolve("fresh-state"), "", ONE_DAY)) {
                assertThatThrownBy(() -> fresh.pass().run(REPO, other)).hasMessageContaining("is Borg repository " + otherId);
                assertThat(fresh.store().listVersions(fresh.layout.repoPrefix(REPO))).as("nothing written on a fresh host")
                        .hasSize(versions);
            }
        }
    }

    @Test
    void a_squatted_repo_json_for_a_new_name_is_a_tamper_event_not_a_refusal(LockedBucket bucket) {
        BorgFixture borg = new BorgFixture(tmp);
        Path repo = newRepo(borg, "repo", 1);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "", ONE_DAY)) {
            String squatter = "{\"formatVersion\":2,\"repo\":\"acme\",\"repoId\":\"" + "ee".repeat(32)
                    + "\",\"createdAt\":\"2026-01-01T00:00:00Z\"}";
            plant(bucket, rig.layout.repoJson(REPO), squatter.getBytes(StandardCharsets.UTF_8), Map.of());

            SyncResult r = rig.pass().run(REPO, repo);

            assertThat(r.pointWritten()).isTrue();
            assertThat(rig.ledger().events(REPO, 10)).extracting(Ledger.EventRecord::kind).containsExactly("FOREIGN_OBJECT");
            List<PointRef> chain = rig.catalog().chain(REPO);
            assertThat(chain).hasSize(1);
        }
    }

    /**
     * A pass put point T2 and was stopped before recording it (the ledger holds only its intent: T2 and the SHA-256 of
     * the bytes it put). Before the next pass the attacker puts a newer version under that very key: a rollback to T1's
     * segments claiming T2. The next pass adopts T2 by the bytes it hashed, in the version that holds them, never by the
     * key or by which version is newest: its ledger records the genuine version, its next point follows the genuine one,
     * and the restore rebuilds the repository borg has.
     */
    @Test
    void an_unrecorded_point_is_adopted_by_its_bytes_not_by_the_newest_version_at_its_key(LockedBucket bucket) throws IOException {
        BorgFixture borg = new BorgFixture(tmp);
        Path repo = newRepo(borg, "repo", 2);
        Path state = tmp.resolve("state");
        Path stopped = tmp.resolve("state-stopped");
        try (ReplicationRig rig = new ReplicationRig(bucket, state, "borg/", ONE_DAY)) {
            rig.pass().run(REPO, repo);
        }
        copyFiles(state, stopped); // the ledger as a pass finds it before it puts point T2
        commit(borg, repo, "a3", 3);
        PointRef p1;
        PointRef p2;
        try (ReplicationRig rig = new ReplicationRig(bucket, state, "borg/", ONE_DAY)) {
            p1 = rig.catalog().select(REPO, "latest", null, Instant.now());
            assertThat(rig.pass().run(REPO, repo).pointWritten()).isTrue();
            p2 = rig.catalog().select(REPO, "latest", null, Instant.now());
        }
        assertThat(p2.transaction()).isGreaterThan(p1.transaction());
        try (ReplicationRig rig = new ReplicationRig(bucket, stopped, "borg/", ONE_DAY)) {
            rig.ledger().recordPointIntent(REPO, p2.transaction(), p2.sha256()); // flushed just before the put
            RestorePoint real1 = rig.catalog().read(p1);
            RestorePoint rollback = new RestorePoint(real1.formatVersion(), REPO, real1.repoId(), p2.transaction(),
                    Instant.now(), real1.segmentsPerDir(), new RestorePoint.PreviousPoint(p1.transaction(), p1.sha256()),
                    real1.segments(), real1.control(), real1.indexOmitted());
            String forged = plant(bucket, p2.key(), ManifestCodec.encode(rollback), Map.of());
            commit(borg, repo, "a4", 4);

            SyncResult r3 = rig.pass().run(REPO, repo);

            assertThat(r3.pointWritten()).isTrue();
            List<io.segvault.core.ledger.PointRecord> recorded = rig.ledger().points(REPO);
            assertThat(recorded).extracting(io.segvault.core.ledger.PointRecord::transaction)
                    .containsExactly(r3.transaction(), p2.transaction(), p1.transaction());
            assertThat(recorded.get(1).versionId()).as("T2 adopted in the version that holds the bytes it hashed")
                    .isEqualTo(p2.versionId()).isNotEqualTo(forged);
            assertThat(rig.ledger().object(p2.key()).orElseThrow().versionId()).isEqualTo(p2.versionId());
            List<PointRef> chain = rig.catalog().chain(REPO);
            assertThat(chain).extracting(PointRef::transaction).containsExactly(r3.transaction(), p2.transaction(),
                    p1.transaction());
            assertThat(chain.get(1).versionId()).isEqualTo(p2.versionId());
            assertThat(rig.catalog().list(REPO)).filteredOn(p -> p.versionId().equals(forged))
                    .singleElement().satisfies(p -> assertThat(p.consistent()).as("the forged version").isFalse());

            Path target = tmp.resolve("restored");
            rig.restorer().restore(rig.catalog().select(REPO, "latest", null, Instant.now()), target, RestoreProgress.NONE);
            BorgFixture client = new BorgFixture(tmp.resolve("client"));
            assertThat(client.check(target).ok()).as("borg check of the restored repository").isTrue();
            assertThat(client.list(target)).containsExactly("a1", "a2", "a3", "a4");
        }
    }

    private static void copyFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
