package io.segvault.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.store.memory.InMemoryObjectStore;
import io.segvault.test.ShiftableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chain rules on hand-made points; the same attacks against real borg and Ceph are in HostileWriterIT. */
class PointChainTest {

    private static final String REPO = "r";
    private static final String ID = "ab".repeat(32);
    private final BucketLayout layout = new BucketLayout("");
    private final ShiftableClock clock = new ShiftableClock();
    private InMemoryObjectStore store;

    @BeforeEach
    void setUp() {
        store = new InMemoryObjectStore("b", clock);
    }

    private RestorePoint point(long t, RestorePoint.PreviousPoint previous, String repoId) {
        List<RestorePoint.SegmentEntry> segs = new ArrayList<>();
        for (long n = 0; n <= t; n++) {
            String sha = ManifestCodec.sha256(Long.toString(n).getBytes());
            segs.add(new RestorePoint.SegmentEntry(n, "segments/" + BucketLayout.pad(n) + "/" + sha, 10, sha, "v" + n));
        }
        List<RestorePoint.ControlEntry> ctl = List.of(
                new RestorePoint.ControlEntry("config", "control/" + BucketLayout.pad(t) + "/config", 5, "c".repeat(64), "vc"),
                new RestorePoint.ControlEntry("hints." + t, "control/" + BucketLayout.pad(t) + "/hints." + t, 5, "d".repeat(64), "vh"));
        return new RestorePoint(2, REPO, repoId, t, Instant.EPOCH, 1000, previous, segs, ctl, false);
    }

    /** Writes a point as any writer could, one second after the previous write; returns its link for successors. */
    private RestorePoint.PreviousPoint put(RestorePoint p) {
        byte[] b = ManifestCodec.encode(p);
        String sha = ManifestCodec.sha256(b);
        clock.shift(Duration.ofSeconds(1));
        store.putRaw(layout.point(REPO, p.transaction(), sha), b);
        return new RestorePoint.PreviousPoint(p.transaction(), sha);
    }

    private List<PointRef> list(long maxBytes) {
        return new PointCatalog(store, layout, maxBytes).list(REPO);
    }

    @Test
    void a_linear_chain_is_consistent_and_latest_is_its_head() {
        var p3 = put(point(3, null, ID));
        var p5 = put(point(5, p3, ID));
        put(point(8, p5, ID));

        assertThat(list(1 << 20)).extracting(PointRef::transaction, PointRef::consistent)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(8L, true), org.assertj.core.groups.Tuple.tuple(5L, true),
                        org.assertj.core.groups.Tuple.tuple(3L, true));
        assertThat(new PointCatalog(store, layout).select(REPO, "latest", null, clock.instant()).transaction()).isEqualTo(8);
    }

    @Test
    void a_catalog_reads_each_point_version_once_however_often_it_lists() {
        var p3 = put(point(3, null, ID));
        var p5 = put(point(5, p3, ID));
        PointCatalog catalog = new PointCatalog(store, layout);
        assertThat(catalog.chain(REPO)).hasSize(2);
        long afterFirst = store.getCount();
        assertThat(afterFirst).isEqualTo(2);
        assertThat(catalog.chain(REPO)).hasSize(2);
        assertThat(store.getCount()).as("nothing read again").isEqualTo(afterFirst);
        put(point(8, p5, ID));
        put(point(9, p3, ID)); // a fork: judged against the chain on every listing, read once
        List<PointRef> all = catalog.list(REPO);
        assertThat(store.getCount()).as("only the two new versions").isEqualTo(afterFirst + 2);
        assertThat(all).filteredOn(PointRef::consistent).extracting(PointRef::transaction).containsExactly(8L, 5L, 3L);
        assertThat(all).filteredOn(p -> p.transaction() == 9).singleElement().extracting(PointRef::problem).asString()
                .contains("forks the chain");
        assertThat(catalog.list(REPO)).isEqualTo(all);
        assertThat(store.getCount()).isEqualTo(afterFirst + 2);
    }

    @Test
    void forks_second_genesis_dangling_links_other_ids_and_copies_are_inconsistent() {
        var p3 = put(point(3, null, ID));
        var p5 = put(point(5, p3, ID));
        put(point(6, p3, ID)); // a second successor of 3, written after 5
        put(point(7, null, ID)); // a second genesis
        put(point(9, new RestorePoint.PreviousPoint(8, "e".repeat(64)), ID)); // names a point that does not exist
        put(point(10, p5, "cd".repeat(32))); // another repository
        RestorePoint copy = point(5, p3, ID);
        byte[] b = ManifestCodec.encode(copy);
        clock.shift(Duration.ofSeconds(1));
        store.putRaw(layout.point(REPO, 99, ManifestCodec.sha256(b)), b); // a copy under a higher T
        var p11 = put(point(11, p5, ID));

        List<PointRef> all = list(1 << 20);
        assertThat(all).filteredOn(PointRef::consistent).extracting(PointRef::transaction).containsExactly(11L, 5L, 3L);
        assertThat(all).filteredOn(p -> p.transaction() == 6).singleElement().extracting(PointRef::problem).asString()
                .contains("forks the chain");
        assertThat(all).filteredOn(p -> p.transaction() == 7).singleElement().extracting(PointRef::problem).asString()
                .contains("second genesis");
        assertThat(all).filteredOn(p -> p.transaction() == 9).singleElement().extracting(PointRef::problem).asString()
                .contains("names previous point 8");
        assertThat(all).filteredOn(p -> p.transaction() == 10).singleElement().extracting(PointRef::problem).asString()
                .contains("names Borg repository " + "cd".repeat(32));
        assertThat(all).filteredOn(p -> p.transaction() == 99).singleElement().extracting(PointRef::problem).asString()
                .contains("says transaction 5 under the key of transaction 99");
        assertThat(new PointCatalog(store, layout).select(REPO, "latest", null, clock.instant()).transaction()).isEqualTo(11);
        assertThat(p11.transaction()).isEqualTo(11);
    }

    @Test
    void bytes_that_do_not_match_the_key_or_exceed_the_bound_are_refused_and_large_ones_never_read() {
        var p3 = put(point(3, null, ID));
        clock.shift(Duration.ofSeconds(1));
        String squatted = layout.point(REPO, 4, "f".repeat(64));
        store.putRaw(squatted, ManifestCodec.encode(point(4, p3, ID)));
        clock.shift(Duration.ofSeconds(1));
        String huge = layout.point(REPO, 5, "0".repeat(64));
        store.putRaw(huge, new byte[300_000]);

        List<PointRef> all = list(200_000);
        assertThat(all).filteredOn(p -> p.key().equals(squatted)).singleElement().extracting(PointRef::problem).asString()
                .contains("not the SHA-256 its key names");
        assertThat(all).filteredOn(p -> p.key().equals(huge)).singleElement().satisfies(p -> {
            assertThat(p.problem()).contains("is 300000 bytes, above the").contains("not read");
            assertThat(p.sha256()).as("never read").isNull();
        });
        assertThat(all).filteredOn(PointRef::consistent).extracting(PointRef::transaction).containsExactly(3L);
    }

    @Test
    void a_point_missing_its_commit_segment_or_with_control_files_of_another_transaction_is_inconsistent() {
        RestorePoint full = point(4, null, ID);
        put(new RestorePoint(2, REPO, ID, 4, Instant.EPOCH, 1000, null, full.segments().subList(0, 4), full.control(), false));
        assertThat(list(1 << 20)).singleElement().extracting(PointRef::problem).asString()
                .contains("does not list segment 4, the segment that holds the commit");
        setUp();
        put(new RestorePoint(2, REPO, ID, 4, Instant.EPOCH, 1000, null, full.segments(), point(3, null, ID).control(), false));
        assertThat(list(1 << 20)).singleElement().extracting(PointRef::problem).asString()
                .contains("which is not a control file of transaction 4");
    }
}
