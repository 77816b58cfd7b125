package io.segvault.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.core.ledger.Ledger;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.manifest.StoredPoint;
import io.segvault.core.replicate.SyncResult;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.verify.Problem;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forged format-3 points through the real S3 API with the agent's credential (root on the backup server), against real
 * borg repositories on the Ceph server: deltas and checkpoints that name the real head as their base, bases that are
 * named by a key whose bytes are not the chain's, squatted keys of the next delta's segments. After each, what a victim
 * does: the agent's next pass, {@code restore} of latest (no witness key: the consistent chain rules), {@code borg check}
 * and {@code borg extract} of the result.
 */
@ExtendWith(LockedBucketExtension.class)
class DeltaForgeryIT {

    private static final RetentionPolicy ONE_DAY = new RetentionPolicy(Duration.ofDays(2), Duration.ofDays(1));
    private static final String REPO = "prod";
    /** Small chunks in small segments: a few MiB make a checkpoint of dozens of segments, against which deltas are small. */
    private static final String[] CHUNKS = {"--chunker-params", "buzhash,10,14,12,4095"};

    @TempDir
    Path tmp;

    /** A real repository replicated into three real points (a checkpoint, then two deltas), and the attacker. */
    private final class Scene implements AutoCloseable {
        final BorgFixture borg = new BorgFixture(tmp);
        final Path repo = tmp.resolve("repo");
        final Path src = tmp.resolve("src");
        final ReplicationRig rig;
        final Attacker attacker;
        final PointRef head;
        final RestorePoint headFull;

        Scene(LockedBucket bucket, String prefix) {
            borg.init(repo, "repokey-blake2");
            borg.config(repo, "max_segment_size", "64K");
            BorgFixture.generateData(src, 11, 1, 3);
            borg.create(repo, "a1", src, CHUNKS);
            rig = new ReplicationRig(bucket, tmp.resolve("state"), prefix, ONE_DAY);
            attacker = new Attacker(bucket);
            rig.pass().run(REPO, repo);
            for (int i = 2; i <= 3; i++) {
                commit("a" + i, i);
                rig.pass().run(REPO, repo);
            }
            List<PointRef> chain = rig.catalog().chain(REPO);
            assertThat(chain).hasSize(3);
            assertThat(chain.stream().map(p -> rig.catalog().readStored(p).delta()).toList()).containsExactly(true, true, false);
            head = chain.get(0);
            headFull = rig.catalog().read(head);
        }

        /** A small real commit: one new file, one new archive. */
        void commit(String archive, int seed) {
            BorgFixture.writeRandom(src.resolve("small/" + seed + ".bin"), 20_000, seed);
            borg.create(repo, archive, src, CHUNKS);
        }

        RestorePoint.PreviousPoint link(PointRef p) {
            return new RestorePoint.PreviousPoint(p.transaction(), p.sha256());
        }

        RestorePoint.SegmentEntry entry(long n) {
            return headFull.segments().stream().filter(s -> s.n() == n).findFirst().orElseThrow();
        }

        /** The largest segment of the head below its commit segment: archive data every archive references. */
        RestorePoint.SegmentEntry dataSegment(int rank) {
            return headFull.segments().stream().filter(s -> s.n() < head.transaction())
                    .sorted(Comparator.comparingLong(RestorePoint.SegmentEntry::size).reversed()
                            .thenComparingLong(RestorePoint.SegmentEntry::n)).skip(rank).findFirst().orElseThrow();
        }

        /** The attacker copies a real segment's bytes under number {@code n}, hashed and locked as the agent would. */
        RestorePoint.SegmentEntry copySegment(RestorePoint.SegmentEntry from, long n) {
            byte[] b = attacker.read(rig.layout.repoPrefix(REPO) + from.key(), from.versionId());
            String sha = ManifestCodec.sha256(b);
            String v = attacker.plant(rig.layout.segment(REPO, n, sha), b);
            return new RestorePoint.SegmentEntry(n, ManifestCodec.segmentKey(n, sha), b.length, sha, v);
        }

        /** The head's config and hints, copied as the control files of transaction {@code t} (no index: borg rebuilds it). */
        List<RestorePoint.ControlEntry> controls(long t) {
            List<RestorePoint.ControlEntry> out = new ArrayList<>();
            for (RestorePoint.ControlEntry c : headFull.control()) {
                String name = c.name().equals("config") ? "config" : c.name().equals("hints." + head.transaction()) ? "hints." + t : null;
                if (name != null) {
                    byte[] b = attacker.read(rig.layout.repoPrefix(REPO) + c.key(), c.versionId());
                    String key = rig.layout.control(REPO, t, name);
                    out.add(new RestorePoint.ControlEntry(name, rig.layout.relative(REPO, key), b.length, ManifestCodec.sha256(b),
                            attacker.plant(key, b)));
                }
            }
            return out;
        }

        RestorePoint point(long t, RestorePoint.PreviousPoint previous, List<RestorePoint.SegmentEntry> segments) {
            List<RestorePoint.SegmentEntry> sorted = segments.stream().sorted(Comparator.comparingLong(RestorePoint.SegmentEntry::n))
                    .toList();
            return new RestorePoint(ManifestCodec.FORMAT_VERSION, REPO, headFull.repoId(), t, Instant.now(),
                    headFull.segmentsPerDir(), previous, sorted, controls(t), true);
        }

        /** PUTs a point where the agent would (its key named by the SHA-256 of its bytes); returns the link to it. */
        RestorePoint.PreviousPoint plant(StoredPoint p) {
            byte[] b = ManifestCodec.encode(p);
            String sha = ManifestCodec.sha256(b);
            attacker.plant(rig.layout.point(REPO, p.point().transaction(), sha), b, Map.of());
            return new RestorePoint.PreviousPoint(p.point().transaction(), sha);
        }

        PointRef ref(RestorePoint.PreviousPoint link) {
            String key = rig.layout.point(REPO, link.transaction(), link.sha256());
            return rig.catalog().list(REPO).stream().filter(p -> p.key().equals(key)).findFirst().orElseThrow();
        }

        String problem(RestorePoint.PreviousPoint link) {
            return ref(link).problem();
        }

        /** Restores {@code ref} on a fresh client and checks it is the real repository: borg check, archives, data byte for byte. */
        void assertRestoresReal(PointRef ref, String archive) throws IOException {
            Path target = tmp.resolve("restored-" + ref.transaction());
            rig.restorer().restore(ref, target, RestoreProgress.NONE);
            BorgFixture client = new BorgFixture(tmp.resolve("client-" + ref.transaction()));
            BorgFixture.Result check = client.check(target);
            assertThat(check.ok()).as("borg check of point %d: %s", ref.transaction(), check.output()).isTrue();
            assertThat(client.list(target)).isEqualTo(borg.list(repo));
            Path out = tmp.resolve("extract-" + ref.transaction());
            client.extract(target, archive, out);
            RestoreIT.assertSameTree(src, out);
            try (Stream<Path> files = Files.walk(out)) {
                assertThat(files.filter(Files::isRegularFile).count()).as("nothing extracted beyond the source")
                        .isEqualTo(countFiles(src));
            }
        }

        @Override
        public void close() {
            rig.close();
        }
    }

    private static long countFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private static StoredPoint delta(RestorePoint p, Long... removed) {
        return new StoredPoint(p, true, Arrays.asList(removed));
    }

    private static String fakeSha(String seed) {
        return ManifestCodec.sha256(seed.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Attacks 1 to 3 that the chain refuses: a delta on the real head removing a segment the head does not have, an entry
     * with a real version id under a wrong hash, a new version of the head's own key with other bytes and deltas on it, a
     * copy of the head with its transaction bumped and a delta on it, a second genesis. Then the attacker squats the keys
     * of the next commit's segments and the agent restarts: its next point is still a delta on the real head (read at the
     * version the chain accepted), and latest restores the real repository.
     */
    @Test
    void inconsistent_forged_bases_and_deltas_never_become_latest_nor_the_agents_base(LockedBucket bucket) throws IOException {
        try (Scene s = new Scene(bucket, "forge1/")) {
            long th = s.head.transaction();
            RestorePoint.PreviousPoint real = s.link(s.head);
            RestorePoint.SegmentEntry commitSeg = s.entry(th);
            // a new version of the head's own key: the head's segments plus th + 1 and a number far above any real one
            List<RestorePoint.SegmentEntry> shadowSegs = new ArrayList<>(s.headFull.segments());
            shadowSegs.add(s.copySegment(commitSeg, th + 1));
            shadowSegs.add(s.copySegment(commitSeg, th + 100_000));
            RestorePoint shadow = new RestorePoint(3, REPO, s.headFull.repoId(), th, Instant.now(), s.headFull.segmentsPerDir(),
                    s.headFull.previous(), shadowSegs, s.headFull.control(), false);
            byte[] shadowBytes = ManifestCodec.encode(shadow);
            String shadowVersion = s.attacker.plant(s.head.key(), shadowBytes, Map.of());
            RestorePoint.PreviousPoint shadowLink = new RestorePoint.PreviousPoint(th, ManifestCodec.sha256(shadowBytes));
            // a delta on the head's link (T and SHA-256) that removes what only the shadow version has
            var removesShadow = s.plant(delta(s.point(th + 2, real, List.of(s.copySegment(commitSeg, th + 2))), th + 1));
            // a delta naming the shadow version's SHA-256 as its base
            var onShadow = s.plant(delta(s.point(th + 3, shadowLink, List.of(s.copySegment(commitSeg, th + 3)))));
            // an entry naming a real segment's key and version id under another hash
            RestorePoint.SegmentEntry data = s.dataSegment(0);
            RestorePoint.SegmentEntry wrongHash = new RestorePoint.SegmentEntry(data.n(), data.key(), data.size(), fakeSha("x"),
                    data.versionId());
            var badEntry = s.plant(delta(s.point(th + 4, real, List.of(wrongHash, s.copySegment(commitSeg, th + 4)))));
            // a copy of the head (in full) under a higher transaction, and a delta on it
            RestorePoint bumped = new RestorePoint(3, REPO, s.headFull.repoId(), th + 5, Instant.now(), s.headFull.segmentsPerDir(),
                    real, s.headFull.segments(), s.controls(th + 5), true);
            var bumpedLink = s.plant(StoredPoint.full(bumped));
            var onBumped = s.plant(delta(s.point(th + 6, bumpedLink, List.of(s.copySegment(commitSeg, th + 6)))));
            // a second genesis: a well-formed checkpoint of a fake state with no previous point
            List<RestorePoint.SegmentEntry> fake = new ArrayList<>(s.headFull.segments());
            fake.add(s.copySegment(commitSeg, th + 7));
            var genesis = s.plant(StoredPoint.full(s.point(th + 7, null, fake)));

            assertThat(s.rig.catalog().list(REPO)).filteredOn(p -> p.versionId().equals(shadowVersion)).singleElement()
                    .extracting(PointRef::problem).asString().contains("hashes to " + shadowLink.sha256())
                    .contains("not the SHA-256 its key names");
            assertThat(s.problem(removesShadow)).isEqualTo("removes segment " + (th + 1) + ", which its base point " + th
                    + " does not have");
            assertThat(s.problem(onShadow)).contains("names previous point " + th + " (SHA-256 " + shadowLink.sha256() + ")")
                    .contains("not the chain's point before it");
            assertThat(s.problem(badEntry)).contains("segment entry " + data.n() + " names key " + data.key())
                    .contains("which is not segments/");
            assertThat(s.problem(bumpedLink)).contains("does not list segment " + (th + 5));
            assertThat(s.problem(onBumped)).contains("names previous point " + (th + 5));
            assertThat(s.problem(genesis)).contains("second genesis");
            PointCatalog catalog = s.rig.catalog();
            PointRef latest = catalog.select(REPO, "latest", null, Instant.now());
            assertThat(latest).extracting(PointRef::key, PointRef::versionId, PointRef::foreignVersions)
                    .containsExactly(s.head.key(), s.head.versionId(), 1);
            assertThat(catalog.read(latest)).as("the head is read at the version the chain accepted").isEqualTo(s.headFull);

            // the victim picks a forged delta by number: refused, naming the point and why, nothing at the target
            PointRef picked = catalog.select(REPO, Long.toString(th + 3), null, Instant.now());
            Path target = tmp.resolve("picked");
            assertThatThrownBy(() -> s.rig.restorer().restore(picked, target, RestoreProgress.NONE))
                    .hasMessageContaining(s.rig.layout.point(REPO, onShadow.transaction(), onShadow.sha256()))
                    .hasMessageContaining("outside the consistent chain").hasMessageContaining("names previous point " + th);
            assertThat(target).doesNotExist();

            squatNextSegmentsAndReplicate(s, real);

            var report = new Verifier(s.rig.catalog()).verify(REPO, false, false, Instant.now());
            assertThat(report.problems()).extracting(Problem::code, Problem::subject).contains(
                    Tuple.tuple("INCONSISTENT_POINT", s.rig.layout.point(REPO, removesShadow.transaction(), removesShadow.sha256())),
                    Tuple.tuple("INCONSISTENT_POINT", s.rig.layout.point(REPO, genesis.transaction(), genesis.sha256())),
                    Tuple.tuple("INCONSISTENT_POINT", s.rig.layout.point(REPO, onBumped.transaction(), onBumped.sha256())));
        }
    }

    /**
     * The attacker reads the next commit's new segments on the server before the agent does and occupies their derived
     * keys with other bytes that claim the real hash; then the agent restarts (no base in memory) and replicates.
     */
    private void squatNextSegmentsAndReplicate(Scene s, RestorePoint.PreviousPoint real) throws IOException {
        long th = s.head.transaction();
        s.commit("a4", 4);
        List<Long> squatted = new ArrayList<>();
        try (Stream<Path> files = Files.walk(s.repo.resolve("data"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                long n = Long.parseLong(f.getFileName().toString());
                if (n > th) {
                    byte[] b = Files.readAllBytes(f);
                    byte[] garbage = new byte[b.length];
                    Arrays.fill(garbage, (byte) 'x');
                    s.attacker.plant(s.rig.layout.segment(REPO, n, ManifestCodec.sha256(b)), garbage,
                            Map.of("sha256", ManifestCodec.sha256(b)));
                    squatted.add(n);
                }
            }
        }
        assertThat(squatted).as("the commit wrote new segments").isNotEmpty();
        s.rig.reopenLedger(); // a restarted agent reads its base back through the bucket's chain

        SyncResult r = s.rig.pass().run(REPO, s.repo);

        assertThat(r.pointWritten()).isTrue();
        PointCatalog catalog = s.rig.catalog();
        PointRef latest = catalog.select(REPO, "latest", null, Instant.now());
        assertThat(latest.transaction()).isEqualTo(r.transaction());
        assertThat(catalog.chain(REPO)).hasSize(4);
        StoredPoint written = catalog.readStored(latest);
        assertThat(written.delta()).as("a delta").isTrue();
        assertThat(written.point().previous()).as("on the real head, not on a forged point").isEqualTo(real);
        assertThat(written.point().segments()).filteredOn(e -> squatted.contains(e.n())).hasSize(squatted.size())
                .allSatisfy(e -> assertThat(e.key()).as("squatted key avoided").contains("~"));
        assertThat(s.rig.ledger().events(REPO, 50)).extracting(Ledger.EventRecord::kind).contains("FOREIGN_OBJECT");
        s.assertRestoresReal(latest, "a4");
    }

    /**
     * Attacks 1 and 2 that the chain cannot refuse: a well-formed checkpoint on the real head (a fake state: a live data
     * segment removed, the commit segment a copy of a real one) and a delta on it with an entry that names a real version
     * id under a wrong hash. Without a witness they are consistent and the delta is latest (docs/threat-model.md); what
     * segvault promises then: restore of that delta fails naming the object, the agent never bases a delta on the forged
     * point and reports it, and its own real point is still written and restores the real repository.
     */
    @Test
    void a_consistent_forged_successor_is_latest_without_a_witness_but_never_the_agents_base(LockedBucket bucket)
            throws IOException {
        try (Scene s = new Scene(bucket, "forge2/")) {
            long th = s.head.transaction();
            RestorePoint.PreviousPoint real = s.link(s.head);
            RestorePoint.SegmentEntry commitSeg = s.entry(th);
            RestorePoint.SegmentEntry dropped = s.dataSegment(0);
            List<RestorePoint.SegmentEntry> segs = new ArrayList<>(s.headFull.segments());
            segs.remove(dropped);
            long tf = th + 50; // above the agent's next transaction: its next point cannot meet the forgeries under one key
            segs.add(s.copySegment(commitSeg, tf));
            var forged = s.plant(StoredPoint.full(s.point(tf, real, segs)));
            RestorePoint.SegmentEntry other = s.dataSegment(1);
            String wrong = fakeSha("wrong");
            RestorePoint.SegmentEntry wrongHash = new RestorePoint.SegmentEntry(other.n(), ManifestCodec.segmentKey(other.n(), wrong),
                    other.size(), wrong, other.versionId());
            var forgedDelta = s.plant(delta(s.point(tf + 1, forged, List.of(wrongHash, s.copySegment(commitSeg, tf + 1)))));

            PointCatalog catalog = s.rig.catalog();
            assertThat(s.ref(forged).consistent()).as("a well-formed successor of the head").isTrue();
            assertThat(s.ref(forgedDelta).consistent()).isTrue();
            PointRef latest = catalog.select(REPO, "latest", null, Instant.now());
            assertThat(latest.key()).as("without a witness the first consistent successor is latest")
                    .isEqualTo(s.rig.layout.point(REPO, forgedDelta.transaction(), forgedDelta.sha256()));
            Path target = tmp.resolve("latest");
            assertThatThrownBy(() -> s.rig.restorer().restore(latest, target, RestoreProgress.NONE))
                    .hasMessageContaining(s.rig.layout.repoPrefix(REPO) + wrongHash.key());
            assertThat(target).doesNotExist();
            Path fakeState = tmp.resolve("forged-checkpoint");
            s.rig.restorer().restore(s.ref(forged), fakeState, RestoreProgress.NONE);
            assertThat(new BorgFixture(tmp.resolve("victim")).check(fakeState).ok())
                    .as("the forged state restores, and borg check finds the segment it removed missing").isFalse();

            s.commit("a4", 4);
            SyncResult r = s.rig.pass().run(REPO, s.repo);

            assertThat(r.pointWritten()).as("replication goes on").isTrue();
            PointRef mine = catalog.select(REPO, Long.toString(r.transaction()), null, Instant.now());
            StoredPoint stored = catalog.readStored(mine);
            assertThat(stored.delta()).as("a checkpoint, never a delta on the forged point").isFalse();
            assertThat(stored.point().previous()).isEqualTo(real);
            assertThat(mine.problem()).contains("forks the chain");
            assertThat(s.rig.ledger().events(REPO, 50)).filteredOn(e -> e.kind().equals("FOREIGN_OBJECT"))
                    .extracting(Ledger.EventRecord::detail).anySatisfy(d -> assertThat(d)
                            .contains(s.rig.layout.point(REPO, forgedDelta.transaction(), forgedDelta.sha256())));
            s.assertRestoresReal(mine, "a4");
        }
    }
}
