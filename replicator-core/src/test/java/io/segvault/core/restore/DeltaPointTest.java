package io.segvault.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.ManifestException;
import io.segvault.core.manifest.PointDeltas;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.manifest.StoredPoint;
import io.segvault.core.replicate.PointEncoder;
import io.segvault.core.store.memory.InMemoryObjectStore;
import io.segvault.test.ShiftableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Format 3: checkpoints and deltas, their codec, the chain rules on them and their materialization. */
class DeltaPointTest {

    private static final String ID = "ab".repeat(32);
    private static final String REPO = "r";
    private final ShiftableClock clock = new ShiftableClock();
    private final InMemoryObjectStore store = new InMemoryObjectStore("b", clock);
    private final BucketLayout layout = new BucketLayout("");

    private static RestorePoint.SegmentEntry seg(long n, String tag) {
        String sha = ManifestCodec.sha256((n + tag).getBytes(StandardCharsets.UTF_8));
        return new RestorePoint.SegmentEntry(n, "segments/" + BucketLayout.pad(n) + "/" + sha, 10 + n, sha, "v" + n + tag);
    }

    /** A full format-3 point of transaction t whose segments are {@code numbers} plus t. */
    private static RestorePoint full(long t, RestorePoint.PreviousPoint previous, List<Long> numbers) {
        TreeMap<Long, RestorePoint.SegmentEntry> segs = new TreeMap<>();
        numbers.forEach(n -> segs.put(n, seg(n, "")));
        segs.put(t, seg(t, ""));
        List<RestorePoint.ControlEntry> ctl = List.of(
                new RestorePoint.ControlEntry("config", "control/" + BucketLayout.pad(t) + "/config", 5, "c".repeat(64), "vc"),
                new RestorePoint.ControlEntry("hints." + t, "control/" + BucketLayout.pad(t) + "/hints." + t, 5, "d".repeat(64), "vh"));
        return new RestorePoint(3, REPO, ID, t, Instant.EPOCH, 1000, previous, new ArrayList<>(segs.values()), ctl, false);
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            out.add(n);
        }
        return out;
    }

    private RestorePoint.PreviousPoint put(byte[] b, long t) {
        String sha = ManifestCodec.sha256(b);
        clock.shift(Duration.ofSeconds(1));
        store.putRaw(layout.point(REPO, t, sha), b);
        return new RestorePoint.PreviousPoint(t, sha);
    }

    private RestorePoint.PreviousPoint putDelta(RestorePoint base, RestorePoint full) {
        return put(ManifestCodec.encode(PointDeltas.diff(base, full)), full.transaction());
    }

    private PointCatalog catalog() {
        return new PointCatalog(store, layout);
    }

    private PointRef ref(long t) {
        return catalog().list(REPO).stream().filter(p -> p.transaction() == t).findFirst().orElseThrow();
    }

    @Test
    void codec_spells_only_alternative_keys_and_round_trips_exactly() {
        RestorePoint p = full(5, new RestorePoint.PreviousPoint(4, "a".repeat(64)), range(0, 4));
        List<RestorePoint.SegmentEntry> segs = new ArrayList<>(p.segments());
        RestorePoint.SegmentEntry s2 = segs.get(2);
        segs.set(2, new RestorePoint.SegmentEntry(2, s2.key() + "~0123456789abcdef", s2.size(), s2.sha256(), s2.versionId()));
        RestorePoint alt = new RestorePoint(3, REPO, ID, 5, Instant.EPOCH, 1000, p.previous(), segs, p.control(), false);
        byte[] bytes = ManifestCodec.encode(alt);
        String json = new String(bytes, StandardCharsets.UTF_8);
        assertThat(json).contains("\"kind\":\"checkpoint\"").doesNotContain("segments/0000000001/")
                .contains("segments/0000000002/" + s2.sha256() + "~0123456789abcdef");
        StoredPoint back = ManifestCodec.decode(bytes, "k", REPO, layout);
        assertThat(back.delta()).isFalse();
        assertThat(back.point()).isEqualTo(alt);
        assertThat(ManifestCodec.encode(back.point())).isEqualTo(bytes);

        StoredPoint delta = PointDeltas.diff(full(3, null, range(0, 2)), p);
        byte[] db = ManifestCodec.encode(delta);
        assertThat(new String(db, StandardCharsets.UTF_8)).contains("\"kind\":\"delta\"").contains("\"removed\":[]");
        assertThat(ManifestCodec.decode(db, "k", REPO, layout)).isEqualTo(delta);
        assertThatThrownBy(() -> ManifestCodec.decodePoint(db, "k", REPO, layout)).hasMessageContaining("is a delta point");
    }

    @Test
    void an_alternative_key_that_does_not_match_its_entry_is_refused() {
        RestorePoint p = full(1, null, List.of(0L));
        String bad = new String(ManifestCodec.encode(p), StandardCharsets.UTF_8)
                .replaceFirst("\"versionId\":\"v0\"", "\"versionId\":\"v0\",\"key\":\"segments/0000000009/" + "e".repeat(64) + "\"");
        assertThatThrownBy(() -> ManifestCodec.decode(bad.getBytes(StandardCharsets.UTF_8), "k", REPO, layout))
                .isInstanceOf(ManifestException.class).hasMessageContaining("segment entry 0 names key segments/0000000009/");
        String noBase = new String(ManifestCodec.encode(PointDeltas.diff(p, full(2, null, List.of(0L)))), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ManifestCodec.decode(noBase.getBytes(StandardCharsets.UTF_8), "k", REPO, layout))
                .hasMessageContaining("delta point without a previous point");
    }

    @Test
    void deltas_materialize_to_the_full_point_through_the_chain() {
        RestorePoint c3 = full(3, null, range(0, 2));
        RestorePoint f5 = full(5, put(ManifestCodec.encode(c3), 3), range(0, 4));
        var l5 = putDelta(c3, f5);
        RestorePoint f8 = full(8, l5, List.of(0L, 4L, 7L)); // a compaction removed 1, 2, 3 and 5
        putDelta(f5, f8);

        List<PointRef> all = catalog().list(REPO);
        assertThat(all).allMatch(PointRef::consistent);
        assertThat(catalog().read(ref(8))).isEqualTo(f8);
        assertThat(catalog().read(ref(5))).isEqualTo(f5);
        assertThat(catalog().dependencies(ref(8))).extracting(PointRef::transaction).containsExactly(8L, 5L, 3L);
        assertThat(catalog().dependencies(ref(3))).extracting(PointRef::transaction).containsExactly(3L);
    }

    @Test
    void a_delta_on_a_forged_or_inconsistent_base_is_inconsistent_and_cannot_be_read() {
        RestorePoint c3 = full(3, null, range(0, 2));
        var l3 = put(ManifestCodec.encode(c3), 3);
        RestorePoint f5 = full(5, l3, range(0, 4));
        var l5 = putDelta(c3, f5);
        RestorePoint fork = full(6, l3, range(0, 5)); // a second successor of 3: inconsistent
        var l6 = putDelta(c3, fork);
        RestorePoint onFork = full(7, l6, range(0, 6));
        putDelta(fork, onFork);
        RestorePoint forged = full(9, new RestorePoint.PreviousPoint(8, "e".repeat(64)), range(0, 8));
        putDelta(full(8, l5, range(0, 7)), forged);

        assertThat(ref(5).consistent()).isTrue();
        assertThat(ref(6).problem()).contains("forks the chain");
        assertThat(ref(7).problem()).contains("names previous point 6");
        assertThat(ref(9).problem()).contains("names previous point 8");
        assertThatThrownBy(() -> catalog().read(ref(7))).isInstanceOf(ManifestException.class)
                .hasMessageContaining("outside the consistent chain");
        assertThat(catalog().dependencies(ref(7))).as("nothing it could depend on").isEmpty();
    }

    @Test
    void a_root_delta_has_no_base_and_is_inconsistent_then_a_checkpoint_starts_the_chain() {
        RestorePoint c3 = full(3, null, range(0, 2));
        RestorePoint f5 = full(5, new RestorePoint.PreviousPoint(3, "a".repeat(64)), range(0, 4));
        putDelta(c3, f5); // its base was never written (or removed)
        put(ManifestCodec.encode(full(6, null, range(0, 5))), 6);

        assertThat(ref(5).problem()).contains("is a delta point whose base (point 3) is not in the consistent chain");
        assertThat(ref(6).consistent()).isTrue();
        assertThat(catalog().select(REPO, "latest", null, clock.instant()).transaction()).isEqualTo(6);
    }

    @Test
    void deltas_that_make_an_impossible_repository_are_inconsistent() {
        RestorePoint c3 = full(3, null, range(0, 2));
        var l3 = put(ManifestCodec.encode(c3), 3);
        // removes the commit's segment: the delta lists removed [5] and does not add 5
        RestorePoint f5 = full(5, l3, range(0, 4));
        StoredPoint d = PointDeltas.diff(c3, f5);
        List<RestorePoint.SegmentEntry> noCommit = d.point().segments().stream().filter(s -> s.n() != 5).toList();
        put(ManifestCodec.encode(withSegments(d, noCommit, List.of(1L))), 5);
        // adds a segment above T
        List<RestorePoint.SegmentEntry> above = new ArrayList<>(d.point().segments());
        above.add(seg(9, ""));
        put(ManifestCodec.encode(withSegments(d, above, List.of())), 5);
        // removes T
        put(ManifestCodec.encode(withSegments(d, d.point().segments().subList(0, 1), List.of(5L))), 5);
        // removes a segment its base does not have
        put(ManifestCodec.encode(withSegments(d, List.of(seg(5, "")), List.of(2L, 4L))), 5);

        List<String> problems = catalog().list(REPO).stream().filter(p -> p.transaction() == 5).map(PointRef::problem).toList();
        assertThat(problems).hasSize(4).allMatch(p -> p != null);
        assertThat(String.join("\n", problems)).contains("does not add segment 5").contains("adds segment 9 out of order or above")
                .contains("removes segment 4, which its base point 3 does not have");
        assertThatThrownBy(() -> PointDeltas.apply(c3, withSegments(d, d.point().segments(), List.of(7L)), "k"))
                .hasMessageContaining("removes segment 7, which its base point 3 does not have");
    }

    private static StoredPoint withSegments(StoredPoint d, List<RestorePoint.SegmentEntry> segs, List<Long> removed) {
        RestorePoint p = d.point();
        return new StoredPoint(new RestorePoint(3, p.repo(), p.repoId(), p.transaction(), p.createdAt(), p.segmentsPerDir(),
                p.previous(), segs, p.control(), p.indexOmitted()), true, removed);
    }

    @Test
    void at_most_63_deltas_follow_a_checkpoint() {
        RestorePoint base = full(1, null, List.of(0L));
        var link = put(ManifestCodec.encode(base), 1);
        for (long t = 2; t <= 2 + PointDeltas.MAX_DEPTH; t++) {
            RestorePoint next = full(t, link, range(0, t - 1));
            link = putDelta(base, next);
            base = next;
        }
        long last = 2 + PointDeltas.MAX_DEPTH;
        assertThat(ref(last - 1).consistent()).isTrue();
        assertThat(ref(last).problem()).contains("would be delta number 64 after its checkpoint");
        assertThat(catalog().read(ref(last - 1)).segments()).hasSize((int) last);
        assertThat(catalog().dependencies(ref(last - 1))).hasSize(PointDeltas.MAX_DEPTH + 1);
    }

    @Test
    void a_checkpoint_after_small_deltas_may_be_as_large_as_the_repository() {
        RestorePoint c = full(200, null, range(0, 199));
        var link = put(ManifestCodec.encode(c), 200);
        RestorePoint f = full(201, link, range(0, 200));
        link = putDelta(c, f);
        put(ManifestCodec.encode(full(202, link, range(0, 201))), 202);
        long small = PointChain.FIXED_BYTES + 300 * PointChain.BYTES_PER_ENTRY;
        assertThat(new PointCatalog(store, layout, small).list(REPO)).allMatch(PointRef::consistent);
    }

    @Test
    void a_squatted_checkpoint_key_does_not_replace_the_base_a_delta_is_read_from() {
        RestorePoint c3 = full(3, null, range(0, 2));
        byte[] real = ManifestCodec.encode(c3);
        String key = layout.point(REPO, 3, ManifestCodec.sha256(real));
        clock.shift(Duration.ofSeconds(1));
        store.putRaw(key, ManifestCodec.encode(full(3, null, range(0, 1)))); // squatted first, other bytes
        var l3 = put(real, 3);
        RestorePoint f5 = full(5, l3, range(0, 4));
        putDelta(c3, f5);

        List<PointRef> threes = catalog().list(REPO).stream().filter(p -> p.transaction() == 3).toList();
        assertThat(threes).filteredOn(p -> !p.consistent()).singleElement().extracting(PointRef::problem).asString()
                .contains("not the SHA-256 its key names");
        assertThat(catalog().read(ref(5))).isEqualTo(f5);
    }

    @Test
    void the_encoder_writes_deltas_then_a_checkpoint_when_due_or_when_the_delta_is_large() {
        PointEncoder enc = new PointEncoder(store, layout);
        RestorePoint c = full(100, null, range(0, 99));
        PointEncoder.Encoded e = enc.encode(c);
        assertThat(e.stored().delta()).as("no previous point").isFalse();
        var link = put(e.bytes(), 100);
        enc.written(e, layout.point(REPO, 100, link.sha256()), link.sha256());
        RestorePoint f = full(101, link, range(0, 100));
        PointEncoder.Encoded d = enc.encode(f);
        assertThat(d.stored().delta()).isTrue();
        assertThat(d.bytes().length).isLessThan(e.bytes().length / 10);
        assertThat(d.dependsOn()).containsExactly(layout.point(REPO, 100, link.sha256()));
        var link2 = put(d.bytes(), 101);
        enc.written(d, layout.point(REPO, 101, link2.sha256()), link2.sha256());
        RestorePoint f102 = full(102, link2, range(0, 101));
        List<RestorePoint.SegmentEntry> rewritten = f102.segments().stream().map(x -> x.n() < 50 ? seg(x.n(), "x") : x).toList();
        PointEncoder.Encoded big = enc.encode(new RestorePoint(3, REPO, ID, 102, Instant.EPOCH, 1000, link2, rewritten,
                f102.control(), false)); // 50 of 103 segments rewritten: a large delta
        assertThat(big.stored().delta()).as("a delta above a quarter of a full point").isFalse();
        // a fresh encoder (after a restart) reads the base back through the chain
        PointEncoder fresh = new PointEncoder(store, layout);
        PointEncoder.Encoded again = fresh.encode(full(102, link2, range(0, 101)));
        assertThat(again.stored().delta()).isTrue();
        assertThat(again.dependsOn()).hasSize(2);
        // a forged point takes the chain before the agent's next point: its base is no longer the chain's head
        var forged = put(ManifestCodec.encode(full(102, link2, range(0, 101))), 102);
        PointEncoder.Encoded displaced = enc.encode(full(103, link2, range(0, 102)));
        assertThat(displaced.stored().delta())
                .as("the new point cannot join the chain: as a delta nobody could read it in full").isFalse();
        assertThat(displaced.foreignHead()).as("the point that took the chain, for the tamper event")
                .isEqualTo(layout.point(REPO, 102, forged.sha256()));
        assertThat(d.foreignHead()).isNull();
        // a previous point that is not in the chain: checkpoint
        assertThat(fresh.encode(full(103, new RestorePoint.PreviousPoint(102, "e".repeat(64)), range(0, 102))).stored().delta())
                .isFalse();
    }

    /**
     * The encoder's choice is the byte rule (a delta when it is at most a quarter of the checkpoint), whether it decided
     * from the entry count alone (small deltas: the checkpoint is not encoded) or by encoding both.
     */
    @Test
    void the_choice_of_delta_or_checkpoint_follows_the_sizes_of_both_encodings() {
        PointEncoder enc = new PointEncoder(store, layout);
        RestorePoint c = full(400, null, range(0, 399));
        PointEncoder.Encoded e = enc.encode(c);
        var link = put(e.bytes(), 400);
        enc.written(e, layout.point(REPO, 400, link.sha256()), link.sha256());
        int deltas = 0;
        int checkpoints = 0;
        for (int rewritten = 0; rewritten <= 400; rewritten += 8) {
            int k = rewritten;
            RestorePoint base = full(401, link, range(0, 400));
            RestorePoint next = new RestorePoint(3, REPO, ID, 401, Instant.EPOCH, 1000, link,
                    base.segments().stream().map(x -> x.n() < k ? seg(x.n(), "x") : x).toList(), base.control(), false);
            long deltaBytes = ManifestCodec.encode(PointDeltas.diff(c, next)).length;
            long checkpointBytes = ManifestCodec.encode(next).length;
            PointEncoder.Encoded chosen = enc.encode(next);
            assertThat(chosen.stored().delta()).as("%d rewritten: delta %d bytes, checkpoint %d", k, deltaBytes, checkpointBytes)
                    .isEqualTo(deltaBytes <= checkpointBytes / 4);
            assertThat((long) chosen.bytes().length).isEqualTo(chosen.stored().delta() ? deltaBytes : checkpointBytes);
            deltas += chosen.stored().delta() ? 1 : 0;
            checkpoints += chosen.stored().delta() ? 0 : 1;
        }
        assertThat(deltas).as("both choices were made").isPositive();
        assertThat(checkpoints).isPositive();
    }

    @Test
    void gc_keeps_the_points_a_kept_delta_depends_on_back_to_its_checkpoint() {
        RestorePoint c1 = full(1, null, List.of(0L));
        var l1 = put(ManifestCodec.encode(c1), 1);
        RestorePoint c3 = full(3, l1, range(0, 2));
        var l3 = put(ManifestCodec.encode(c3), 3); // a checkpoint after a checkpoint: 1 is not needed by 5 or 8
        RestorePoint f5 = full(5, l3, range(0, 4));
        var l5 = putDelta(c3, f5);
        clock.shift(Duration.ofDays(10));
        putDelta(f5, full(8, l5, range(0, 7)));

        var result = new io.segvault.core.gc.GarbageCollector(store, store, catalog(), clock).run(REPO, Duration.ofHours(1), false);
        assertThat(result.errors()).isEmpty();
        assertThat(result.deleted()).extracting(io.segvault.core.gc.GarbageCollector.Candidate::key)
                .containsExactly(layout.point(REPO, 1, l1.sha256()));
        assertThat(catalog().chain(REPO)).extracting(PointRef::transaction).containsExactly(8L, 5L, 3L);
        assertThat(catalog().read(ref(8))).isEqualTo(full(8, l5, range(0, 7)));
    }

    /** The measurement in docs/bucket-layout.md: a one-segment commit on a repository of 50,000 segments. */
    @Test
    void a_one_segment_commit_on_50000_segments_makes_a_point_of_a_few_kilobytes() {
        int n = 50_000;
        List<RestorePoint.SegmentEntry> segs = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            segs.add(realistic(i));
        }
        RestorePoint base = realisticPoint(n - 1, null, segs);
        PointEncoder enc = new PointEncoder(store, layout);
        PointEncoder.Encoded c = enc.encode(base);
        String sha = put(c.bytes(), n - 1).sha256();
        enc.written(c, layout.point(REPO, n - 1, sha), sha);
        List<RestorePoint.SegmentEntry> next = new ArrayList<>(segs);
        next.add(realistic(n));
        PointEncoder.Encoded d = enc.encode(realisticPoint(n, new RestorePoint.PreviousPoint(n - 1, sha), next));
        RestorePoint asFormat2 = realisticPoint(n, null, next);
        int format2 = ManifestCodec.encode(new RestorePoint(2, REPO, ID, n, Instant.EPOCH, 1000, asFormat2.previous(),
                next, asFormat2.control(), false)).length;
        System.out.printf("%d segments: format-2 point %d bytes, format-3 checkpoint %d bytes, delta %d bytes%n", n, format2,
                c.bytes().length, d.bytes().length);
        assertThat(d.stored().delta()).isTrue();
        assertThat(d.bytes().length).isLessThan(4096);
        assertThat(c.bytes().length).isLessThan(format2 * 3 / 4);
    }

    private static RestorePoint.SegmentEntry realistic(long n) {
        String sha = ManifestCodec.sha256(Long.toString(n).getBytes(StandardCharsets.UTF_8));
        return new RestorePoint.SegmentEntry(n, "segments/" + BucketLayout.pad(n) + "/" + sha, 524_288_000L, sha,
                sha.substring(0, 32)); // Ceph version ids are 32 characters
    }

    private static RestorePoint realisticPoint(long t, RestorePoint.PreviousPoint previous, List<RestorePoint.SegmentEntry> segs) {
        List<RestorePoint.ControlEntry> ctl = new ArrayList<>();
        for (String name : List.of("config", "hints." + t, "index." + t, "integrity." + t, "nonce")) {
            ctl.add(new RestorePoint.ControlEntry(name, "control/" + BucketLayout.pad(t) + "/" + name, 5_000_000, "c".repeat(64),
                    "d".repeat(32)));
        }
        return new RestorePoint(3, REPO, ID, t, Instant.EPOCH, 1000, previous, segs, ctl, false);
    }
}
