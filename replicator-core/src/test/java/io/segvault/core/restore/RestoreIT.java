package io.segvault.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.segvault.core.gc.GarbageCollector;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.ManifestException;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.verify.Problem;
import io.segvault.core.verify.Verifier;
import io.segvault.core.verify.VerifyReport;
import io.segvault.test.BorgFixture;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import io.segvault.test.ReplicationRig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/** Restore, verify and gc against the real Ceph server with real borg. */
@ExtendWith(LockedBucketExtension.class)
class RestoreIT {

    private static final RetentionPolicy ONE_DAY = new RetentionPolicy(Duration.ofDays(2), Duration.ofDays(1));

    @TempDir
    Path tmp;

    private BorgFixture borg;
    private Path repo;
    private Path src;

    private void makeRepo(int archives) {
        borg = new BorgFixture(tmp);
        repo = tmp.resolve("repo");
        src = tmp.resolve("src");
        borg.init(repo, "repokey-blake2");
        borg.config(repo, "max_segment_size", "1M");
        for (int i = 1; i <= archives; i++) {
            BorgFixture.generateData(src, 11, i, 3);
            borg.create(repo, "a" + i, src);
        }
    }

    /** A borg client on a fresh host: its own cache and security directories. */
    private BorgFixture freshClient(String name) {
        return new BorgFixture(tmp.resolve(name));
    }

    @Test
    void ransomware_drill_restores_a_deleted_repository_byte_for_byte(LockedBucket bucket) throws IOException {
        makeRepo(3);
        List<String> archives = borg.list(repo);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "vault/", ONE_DAY)) {
            rig.pass().run("prod", repo);
            deleteTree(repo);

            Path target = tmp.resolve("restored");
            PointRef ref = rig.catalog().select("prod", "latest", null, Instant.now());
            Restorer.Result r = rig.restorer().restore(ref, target, RestoreProgress.NONE);
            assertThat(r.segments()).isGreaterThan(3);
            assertThat(target.resolve("nonce")).exists();

            BorgFixture client = freshClient("client");
            assertThat(client.check(target).ok()).as("borg check of the restored repository").isTrue();
            assertThat(client.list(target)).isEqualTo(archives);
            Path out = tmp.resolve("extract");
            client.extract(target, "a3", out);
            assertSameTree(src, out);
        }
    }

    @Test
    void an_earlier_point_brings_a_deleted_archive_back(LockedBucket bucket) {
        makeRepo(3);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "", ONE_DAY)) {
            long t1 = rig.pass().run("prod", repo).transaction();
            borg.deleteArchive(repo, "a1");
            borg.prune(repo, 1);
            borg.compact(repo);
            rig.pass().run("prod", repo);
            assertThat(borg.list(repo)).containsExactly("a3");

            PointRef early = rig.catalog().select("prod", Long.toString(t1), null, Instant.now());
            Path target = tmp.resolve("t1");
            rig.restorer().restore(early, target, RestoreProgress.NONE);
            BorgFixture client = freshClient("client");
            assertThat(client.list(target)).containsExactly("a1", "a2", "a3");
            assertThat(client.check(target).ok()).isTrue();
        }
    }

    @Test
    void foreign_versions_and_delete_markers_do_not_change_a_restore_and_verify_reports_them(LockedBucket bucket) throws Exception {
        makeRepo(2);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "", ONE_DAY)) {
            rig.pass().run("prod", repo);
            PointRef ref = rig.catalog().select("prod", "latest", null, Instant.now());
            RestorePoint point = rig.catalog().read(ref);
            String overwritten = "prod/" + point.segments().get(1).key();
            String marked = "prod/" + point.segments().get(2).key();
            byte[] garbage = "attacker was here".getBytes(StandardCharsets.UTF_8);
            bucket.s3().putObject(b -> b.bucket(bucket.name()).key(overwritten).contentMD5(md5(garbage)), RequestBody.fromBytes(garbage));
            bucket.s3().deleteObject(b -> b.bucket(bucket.name()).key(marked));

            Path target = tmp.resolve("restored");
            rig.restorer().restore(ref, target, RestoreProgress.NONE);
            assertThat(freshClient("client").check(target).ok()).isTrue();

            VerifyReport report = new Verifier(rig.catalog()).verify("prod", false, false, Instant.now());
            assertThat(report.ok()).isFalse();
            assertThat(report.problems()).extracting(Problem::code, Problem::subject)
                    .contains(org.assertj.core.groups.Tuple.tuple("FOREIGN_VERSION", overwritten),
                            org.assertj.core.groups.Tuple.tuple("DELETE_MARKER", marked));
            assertThat(report.problems()).extracting(Problem::code).doesNotContain("MISSING_VERSION", "NOT_LOCKED", "CHAIN_BROKEN");
        }
    }

    @Test
    void verify_passes_on_an_untouched_bucket_and_deep_rehashes(LockedBucket bucket) {
        makeRepo(2);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "", ONE_DAY)) {
            rig.pass().run("prod", repo);
            BorgFixture.generateData(src, 11, 3, 3);
            borg.create(repo, "a3", src);
            rig.pass().run("prod", repo);
            VerifyReport report = new Verifier(rig.catalog()).verify("prod", false, true, Instant.now().plus(Duration.ofDays(1)));
            assertThat(report.problems()).isEmpty();
            assertThat(report.pointsChecked()).isEqualTo(2);
            VerifyReport tooLong = new Verifier(rig.catalog()).verify("prod", true, false, Instant.now().plus(Duration.ofDays(30)));
            assertThat(tooLong.problems()).extracting(Problem::code).containsOnly("LOCK_TOO_SHORT");
        }
    }

    @Test
    void bad_points_fail_clearly_and_leave_nothing_at_the_target(LockedBucket bucket) throws Exception {
        makeRepo(1);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "", ONE_DAY)) {
            long t = rig.pass().run("prod", repo).transaction();
            PointCatalog catalog = rig.catalog();
            RestorePoint good = catalog.read(catalog.select("prod", "latest", null, Instant.now()));
            Path target = tmp.resolve("target");

            Files.createDirectories(target);
            Files.writeString(target.resolve("keep.txt"), "mine");
            assertThatThrownBy(() -> rig.restorer().restore(catalog.select("prod", "latest", null, Instant.now()), target,
                    RestoreProgress.NONE)).isInstanceOf(RestoreException.class).hasMessageContaining("is not empty");
            assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("mine");
            Files.delete(target.resolve("keep.txt"));

            RestorePoint.SegmentEntry s0 = good.segments().get(0);
            List<RestorePoint.SegmentEntry> missing = replace(good.segments(), 0,
                    new RestorePoint.SegmentEntry(s0.n(), s0.key(), s0.size(), s0.sha256(), "no-such-version"));
            expectFailure(rig, bucket, good, t + 100, missing, target, "missing from the bucket");

            byte[] impostor = "not the bytes the key promises".getBytes(StandardCharsets.UTF_8);
            String impostorKey = "segments/" + String.format("%010d", s0.n()) + "/" + "0".repeat(64);
            String impostorVersion = bucket.s3().putObject(b -> b.bucket(bucket.name()).key("prod/" + impostorKey)
                    .contentMD5(md5(impostor)), RequestBody.fromBytes(impostor)).versionId();
            List<RestorePoint.SegmentEntry> wrongSha = replace(good.segments(), 0, new RestorePoint.SegmentEntry(s0.n(),
                    impostorKey, impostor.length, "0".repeat(64), impostorVersion));
            expectFailure(rig, bucket, good, t + 101, wrongSha, target, "SHA-256");

            RestorePoint.SegmentEntry last = good.segments().get(good.segments().size() - 1);
            byte[] truncated = Arrays8.head(catalog.bytes("prod/" + last.key(), last.versionId()), 12);
            String truncSha = sha256(truncated);
            String truncKey = "segments/" + String.format("%010d", t + 102) + "/" + truncSha;
            String version = bucket.s3().putObject(b -> b.bucket(bucket.name()).key("prod/" + truncKey).contentMD5(md5(truncated))
                    .objectLockMode(ObjectLockMode.COMPLIANCE).objectLockRetainUntilDate(Instant.now().plus(Duration.ofDays(1))),
                    RequestBody.fromBytes(truncated)).versionId();
            List<RestorePoint.SegmentEntry> trunc = replace(good.segments(), good.segments().size() - 1,
                    new RestorePoint.SegmentEntry(t + 102, truncKey, truncated.length, truncSha, version));
            expectFailure(rig, bucket, good, t + 102, trunc, target, "does not end with a valid COMMIT");

            List<RestorePoint.SegmentEntry> traversal = replace(good.segments(), 0,
                    new RestorePoint.SegmentEntry(s0.n(), "../../etc/" + s0.sha256(), s0.size(), s0.sha256(), s0.versionId()));
            putPoint(bucket, good, t + 103, traversal);
            assertThatThrownBy(() -> rig.restorer().restore(catalog.select("prod", Long.toString(t + 103), null, Instant.now()),
                    target, RestoreProgress.NONE)).isInstanceOf(ManifestException.class).hasMessageContaining("..");

            assertThatThrownBy(() -> catalog.select("prod", "99999", null, Instant.now())).isInstanceOf(RestoreException.class)
                    .hasMessageContaining("no restore point for transaction 99999");
            assertThatThrownBy(() -> catalog.select("prod", null, Instant.now().plus(Duration.ofDays(1)), Instant.now()))
                    .hasMessageContaining("in the future");
            assertNothingLeft(target);
        }
    }

    private void expectFailure(ReplicationRig rig, LockedBucket bucket, RestorePoint good, long t, List<RestorePoint.SegmentEntry> segs,
                               Path target, String message) throws Exception {
        putPoint(bucket, good, t, segs);
        PointRef ref = rig.catalog().select("prod", Long.toString(t), null, Instant.now());
        assertThatThrownBy(() -> rig.restorer().restore(ref, target, RestoreProgress.NONE)).isInstanceOf(RestoreException.class)
                .hasMessageContaining(message);
        assertNothingLeft(target);
    }

    private void assertNothingLeft(Path target) throws IOException {
        assertThat(target).isEmptyDirectory();
        try (Stream<Path> beside = Files.list(target.getParent())) {
            assertThat(beside.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("segvault-"));
        }
    }

    /** Writes a crafted point for transaction {@code t} (as an attacker, or a corrupted bucket, could). */
    private static void putPoint(LockedBucket bucket, RestorePoint good, long t, List<RestorePoint.SegmentEntry> segs) throws Exception {
        RestorePoint crafted = new RestorePoint(1, good.repo(), good.repoId(), t, Instant.now(), good.segmentsPerDir(), null,
                segs, good.control(), false);
        byte[] json = ManifestCodec.encode(crafted);
        bucket.s3().putObject(b -> b.bucket(bucket.name()).key("prod/points/" + String.format("%010d", t) + ".json")
                .contentMD5(md5(json)).objectLockMode(ObjectLockMode.COMPLIANCE)
                .objectLockRetainUntilDate(Instant.now().plus(Duration.ofDays(1))), RequestBody.fromBytes(json));
    }

    @Test
    void drill_restores_the_newest_point_checks_it_with_borg_and_cleans_up(LockedBucket bucket) throws IOException {
        makeRepo(2);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "", ONE_DAY)) {
            long t = rig.pass().run("prod", repo).transaction();
            Path scratch = tmp.resolve("drill-scratch");
            Drill.Result r = new Drill(rig.catalog(), rig.restorer(), scratch, rig.clock, Duration.ofMinutes(5)).run("prod");
            assertThat(r.ok()).as(r.borgOutput()).isTrue();
            assertThat(r.borgExit()).isZero();
            assertThat(r.transaction()).isEqualTo(t);
            assertThat(r.bytes()).isPositive();
            assertThat(scratch).isEmptyDirectory();
        }
    }

    @Test
    void gc_removes_only_expired_unreferenced_versions_and_the_newest_point_still_restores(LockedBucket bucket) throws Exception {
        RetentionPolicy seconds = new RetentionPolicy(Duration.ofSeconds(20), Duration.ofSeconds(2));
        makeRepo(3);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "", seconds)) {
            rig.pass().run("prod", repo);
            borg.prune(repo, 1);
            borg.compact(repo);
            rig.pass().run("prod", repo);
            GarbageCollector gc = new GarbageCollector(rig.store(), rig.s3, rig.catalog(), rig.clock);

            GarbageCollector.Result early = gc.run("prod", Duration.ZERO, true);
            assertThat(early.deleted()).as("only versions whose lock had ended").allSatisfy(c ->
                    assertThat(c.retainUntil()).isNotNull().isBefore(Instant.now()));
            assertThat(early.keptLocked() + early.deleted().size()).as("every unreferenced version was looked at").isPositive();

            Instant allExpired = Instant.now().plus(seconds.duration()).plus(seconds.generation()).plusSeconds(2);
            await().atMost(Duration.ofSeconds(60)).until(() -> Instant.now().isAfter(allExpired));
            int versionsBefore = rig.store().listVersions("prod/").size();
            GarbageCollector.Result dry = gc.run("prod", Duration.ZERO, true);
            assertThat(dry.deleted()).isNotEmpty();
            assertThat(dry.keptLocked()).as("nothing unreferenced is locked any more").isZero();
            assertThat(rig.store().listVersions("prod/")).as("dry run deletes nothing").hasSize(versionsBefore);

            RestorePoint newest = rig.catalog().read(rig.catalog().list("prod").get(0));
            List<String> protectedKeys = new ArrayList<>();
            newest.segments().forEach(s -> protectedKeys.add("prod/" + s.key()));
            assertThat(dry.deleted()).extracting(GarbageCollector.Candidate::key).doesNotContainAnyElementsOf(protectedKeys);

            GarbageCollector.Result real = gc.run("prod", Duration.ZERO, false);
            assertThat(real.errors()).isEmpty();
            assertThat(real.deleted()).hasSameSizeAs(dry.deleted());
            assertThat(rig.store().listVersions("prod/")).hasSize(versionsBefore - real.deleted().size());

            Path target = tmp.resolve("after-gc");
            rig.restorer().restore(rig.catalog().select("prod", "latest", null, Instant.now()), target, RestoreProgress.NONE);
            assertThat(freshClient("client").check(target).ok()).isTrue();
        }
    }

    private static <T> List<T> replace(List<T> list, int index, T value) {
        List<T> copy = new ArrayList<>(list);
        copy.set(index, value);
        return copy;
    }

    private static String md5(byte[] b) {
        return Base64.getEncoder().encodeToString(digest("MD5", b));
    }

    private static String sha256(byte[] b) {
        return HexFormat.of().formatHex(digest("SHA-256", b));
    }

    private static byte[] digest(String algorithm, byte[] b) {
        try {
            return MessageDigest.getInstance(algorithm).digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Small array helper. */
    private static final class Arrays8 {
        static byte[] head(byte[] b, int n) {
            return java.util.Arrays.copyOf(b, Math.min(n, b.length));
        }
    }

    static void assertSameTree(Path expected, Path actual) throws IOException {
        try (Stream<Path> files = Files.walk(expected)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path other = actual.resolve(expected.relativize(f).toString());
                assertThat(other).as(other.toString()).exists();
                assertThat(Files.mismatch(f, other)).as(other.toString()).isEqualTo(-1L);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
