package io.segvault.core.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.core.retention.RetentionKeeper;
import io.segvault.core.borg.BorgRepository;
import io.segvault.core.borg.SegmentFile;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.ledger.PointRecord;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.restore.PointRef;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.store.LockMode;
import io.segvault.core.store.ObjectVersion;
import io.segvault.core.store.StoredObject;
import io.segvault.test.BorgFixture;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import io.segvault.test.ReplicationRig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Replication against the real Ceph server with real borg repositories. */
@ExtendWith(LockedBucketExtension.class)
class ReplicationIT {

    private static final RetentionPolicy ONE_DAY = new RetentionPolicy(Duration.ofDays(2), Duration.ofDays(1));

    @TempDir
    Path tmp;

    private Path repoWithArchives(BorgFixture borg, int archives) {
        Path repo = tmp.resolve("repo");
        borg.init(repo, "repokey-blake2");
        borg.config(repo, "max_segment_size", "1M");
        borg.config(repo, "segments_per_dir", "10");
        for (int i = 1; i <= archives; i++) {
            BorgFixture.generateData(tmp.resolve("src"), 7, i, 4);
            borg.create(repo, "a" + i, tmp.resolve("src"));
        }
        return repo;
    }

    @Test
    void every_object_is_locked_to_the_generation_date_and_the_point_names_exactly_the_committed_segments(LockedBucket bucket)
            throws IOException {
        BorgFixture borg = new BorgFixture(tmp);
        Path repo = repoWithArchives(borg, 3);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "borg/", ONE_DAY)) {
            Instant before = Instant.now();
            SyncResult r = rig.pass().run("acme", repo);
            Instant after = Instant.now();
            assertThat(r.pointWritten()).isTrue();

            BorgRepository model = BorgRepository.open(repo);
            long t = model.committedTransaction().getAsLong();
            assertThat(r.transaction()).isEqualTo(t);
            Set<Long> committed = model.segments().stream().map(SegmentFile::number).filter(n -> n <= t).collect(Collectors.toSet());
            assertThat(committed.stream().mapToLong(n -> n / 10).distinct().count()).as("several data/N directories").isGreaterThan(1);

            PointRef ref = rig.catalog().select("acme", "latest", null, Instant.now());
            RestorePoint point = rig.catalog().read(ref);
            assertThat(point.segments().stream().map(RestorePoint.SegmentEntry::n).collect(Collectors.toSet())).isEqualTo(committed);
            assertThat(point.control()).extracting(RestorePoint.ControlEntry::name)
                    .contains("config", "index." + t, "hints." + t, "integrity." + t, "nonce");

            Set<Instant> allowed = new java.util.HashSet<>(List.of(ONE_DAY.retainUntil(before), ONE_DAY.retainUntil(after)));
            String base = rig.layout.repoPrefix("acme");
            for (RestorePoint.SegmentEntry s : point.segments()) {
                var ret = bucket.s3().getObjectRetention(b -> b.bucket(bucket.name()).key(base + s.key()).versionId(s.versionId()));
                assertThat(ret.retention().modeAsString()).isEqualTo("COMPLIANCE");
                assertThat(allowed).contains(ret.retention().retainUntilDate());
            }
            StoredObject pointObject = rig.store().head(ref.key(), ref.versionId());
            assertThat(pointObject.lockMode()).isEqualTo(LockMode.COMPLIANCE);
            assertThat(rig.store().head(rig.layout.repoJson("acme")).orElseThrow().lockMode()).isEqualTo(LockMode.COMPLIANCE);
        }
    }

    @Test
    void nothing_new_makes_no_put_and_a_lost_ledger_makes_no_segment_put(LockedBucket bucket) throws IOException {
        BorgFixture borg = new BorgFixture(tmp);
        Path repo = repoWithArchives(borg, 2);
        Path state = tmp.resolve("state");
        try (ReplicationRig rig = new ReplicationRig(bucket, state, "", ONE_DAY)) {
            rig.pass().run("acme", repo);
            long writes = rig.writes();
            assertThat(writes).isGreaterThan(5);
            long heads = rig.s3.requestCount("HeadObject");
            assertThat(heads).as("the empty ledger was rebuilt from a listing just before, so objects the listing did not "
                    + "show are written without asking first: one verifying HEAD per object, plus repo.json's check")
                    .isBetween(writes, writes + 2);

            SyncResult again = rig.pass().run("acme", repo);
            assertThat(again.pointWritten()).isFalse();
            assertThat(rig.writes()).as("second pass with nothing new").isEqualTo(writes);
            assertThat(rig.s3.requestCount("HeadObject")).as("a sealed segment offsite costs no request").isEqualTo(heads);

            rig.ledger().close();
            for (String f : List.of(Ledger.FILE_NAME, Ledger.FILE_NAME + "-wal", Ledger.FILE_NAME + "-shm")) {
                Files.deleteIfExists(state.resolve(f));
            }
            rig.reopenLedger();
            BorgFixture.generateData(tmp.resolve("src"), 7, 3, 4);
            borg.create(repo, "a3", tmp.resolve("src"));
            long beforeLost = rig.writes();
            SyncResult afterLoss = rig.pass().run("acme", repo);
            assertThat(afterLoss.pointWritten()).isTrue();
            assertThat(afterLoss.objectsSkipped()).as("old segments known from the rebuilt ledger").isGreaterThan(0);
            long newSegments = newSegmentsSince(rig, "acme", afterLoss.transaction());
            assertThat(afterLoss.objectsUploaded()).as("only new segments + control files of the new transaction")
                    .isLessThanOrEqualTo((int) newSegments + 5);
            assertThat(rig.writes() - beforeLost).isEqualTo(afterLoss.objectsUploaded() + 1);
        }
    }

    private static long newSegmentsSince(ReplicationRig rig, String repo, long t) {
        List<PointRef> points = rig.catalog().list(repo);
        RestorePoint newest = rig.catalog().read(points.get(0));
        RestorePoint previous = rig.catalog().read(points.get(1));
        Set<String> old = previous.segments().stream().map(RestorePoint.SegmentEntry::key).collect(Collectors.toSet());
        assertThat(newest.transaction()).isEqualTo(t);
        return newest.segments().stream().filter(s -> !old.contains(s.key())).count();
    }

    @Test
    void after_prune_and_compact_only_new_segments_go_up_and_old_ones_stay_locked(LockedBucket bucket) throws IOException {
        BorgFixture borg = new BorgFixture(tmp);
        Path repo = repoWithArchives(borg, 3);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "p/", ONE_DAY)) {
            SyncResult first = rig.pass().run("acme", repo);
            RestorePoint p1 = rig.catalog().read(rig.catalog().list("acme").get(0));

            borg.prune(repo, 1);
            borg.compact(repo);
            BorgFixture.generateData(tmp.resolve("src"), 7, 4, 4);
            borg.create(repo, "a4", tmp.resolve("src"));
            SyncResult second = rig.pass().run("acme", repo);
            assertThat(second.transaction()).isGreaterThan(first.transaction());

            List<PointRef> points = rig.catalog().list("acme");
            RestorePoint p2 = rig.catalog().read(points.get(0));
            Set<String> oldKeys = p1.segments().stream().map(RestorePoint.SegmentEntry::key).collect(Collectors.toSet());
            long fresh = p2.segments().stream().filter(s -> !oldKeys.contains(s.key())).count();
            long controls = p2.control().size();
            assertThat(second.objectsUploaded()).isEqualTo((int) (fresh + controls));
            assertThat(p2.previous().transaction()).isEqualTo(p1.transaction());
            assertThat(p2.previous().sha256())
                    .isEqualTo(ManifestCodec.sha256(rig.catalog().bytes(points.get(1).key(), points.get(1).versionId())));

            Set<Long> gone = p1.segments().stream().map(RestorePoint.SegmentEntry::n).collect(Collectors.toSet());
            gone.removeAll(BorgRepository.open(repo).segments().stream().map(SegmentFile::number).collect(Collectors.toSet()));
            assertThat(gone).as("compact deleted segments locally").isNotEmpty();
            String base = rig.layout.repoPrefix("acme");
            for (RestorePoint.SegmentEntry s : p1.segments()) {
                if (gone.contains(s.n())) {
                    StoredObject o = rig.store().head(base + s.key(), s.versionId());
                    assertThat(o.lockMode()).isEqualTo(LockMode.COMPLIANCE);
                    assertThat(o.retainUntil()).isAfter(Instant.now());
                }
            }
            assertThat(rig.ledger().eventCount("acme")).as("prune + compact is no tamper event").isZero();
        }
    }

    @Test
    void live_objects_are_extended_each_generation_and_objects_of_old_points_are_not(LockedBucket bucket) throws IOException {
        BorgFixture borg = new BorgFixture(tmp);
        Path repo = repoWithArchives(borg, 2);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "", ONE_DAY)) {
            rig.pass().run("acme", repo);
            RestorePoint p1 = rig.catalog().read(rig.catalog().list("acme").get(0));
            borg.prune(repo, 1);
            borg.compact(repo);
            rig.pass().run("acme", repo);
            PointRef ref2 = rig.catalog().list("acme").get(0);
            RestorePoint p2 = rig.catalog().read(ref2);
            String base = rig.layout.repoPrefix("acme");
            Set<String> live = p2.segments().stream().map(RestorePoint.SegmentEntry::key).collect(Collectors.toSet());
            RestorePoint.SegmentEntry onlyOld = p1.segments().stream().filter(s -> !live.contains(s.key())).findFirst().orElseThrow();
            RestorePoint.SegmentEntry stillLive = p2.segments().stream().filter(s -> p1.segments().contains(s)).findFirst().orElseThrow();
            Map<String, Instant> before = new HashMap<>();
            before.put("old", rig.store().head(base + onlyOld.key(), onlyOld.versionId()).retainUntil());
            before.put("live", rig.store().head(base + stillLive.key(), stillLive.versionId()).retainUntil());
            assertThat(rig.keeper().extend("acme").extended()).as("nothing to extend within the generation").isZero();

            rig.clock.shift(ONE_DAY.generation());
            RetentionKeeper.Result ext = rig.keeper().extend("acme");
            assertThat(ext.failed()).isZero();
            assertThat(ext.target()).isEqualTo(before.get("live").plus(ONE_DAY.generation()));
            assertThat(ext.extended()).as("every live object: segments, controls, point, repo.json")
                    .isEqualTo(p2.segments().size() + p2.control().size() + 2);

            Instant liveAfter = rig.store().head(base + stillLive.key(), stillLive.versionId()).retainUntil();
            Instant oldAfter = rig.store().head(base + onlyOld.key(), onlyOld.versionId()).retainUntil();
            assertThat(liveAfter).isEqualTo(ext.target());
            assertThat(oldAfter).as("only named by an old point").isEqualTo(before.get("old"));
            assertThat(rig.store().head(ref2.key(), ref2.versionId()).retainUntil()).isEqualTo(ext.target());
            assertThat(rig.keeper().extend("acme").extended()).as("once per generation").isZero();
        }
    }

    @Test
    void keys_are_written_once(LockedBucket bucket) throws IOException {
        BorgFixture borg = new BorgFixture(tmp);
        Path repo = repoWithArchives(borg, 2);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "", ONE_DAY)) {
            rig.pass().run("acme", repo);
            rig.reopenLedger();
            rig.pass().run("acme", repo);
            Map<String, Long> versions = rig.store().listVersions("acme/").stream()
                    .collect(Collectors.groupingBy(ObjectVersion::key, Collectors.counting()));
            assertThat(versions).isNotEmpty().allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
            PointRecord newest = rig.ledger().newestPoint("acme").orElseThrow();
            assertThat(rig.layout.parse(newest.key())).isInstanceOf(BucketLayout.PointKey.class);
        }
    }
}
