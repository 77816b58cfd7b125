package io.segvault.core.borg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.core.borg.TamperEvent.Kind;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TamperDetectorTest {

    private static final Instant NOW = Instant.parse("2026-11-28T15:00:00Z");
    private static final String REPO = "acme";

    @TempDir
    Path tmp;

    private FakeRepo fake;
    private final InMemorySegmentCatalog catalog = new InMemorySegmentCatalog();
    private final TamperDetector detector = new TamperDetector(catalog, Clock.fixed(NOW, ZoneOffset.UTC), 0.5, TestHashes.create());
    private int snapshots;

    /** Transaction 12: ten data segments 0-9 of 20 KB, manifest PUT 10 (small), DELETE 11 (small), COMMIT 12. */
    @BeforeEach
    void repository() {
        fake = FakeRepo.create(tmp.resolve("repo"), 1000);
        for (int n = 0; n < 10; n++) {
            fake.dataSegment(n, 2, 10_000);
        }
        fake.dataSegment(10, 1, 30);
        SegmentBytes.segment().delete(1).writeTo(fake.segmentPath(11));
        fake.commit(12, LongStream.rangeClosed(0, 10).boxed().toList());
    }

    private Snapshot snapshot() {
        return BorgRepository.open(fake.dir()).snapshot(tmp.resolve("scratch" + snapshots++));
    }

    @Test
    void first_inspection_hashes_everything_and_raises_nothing() {
        Inspection inspection = detector.inspect(REPO, snapshot());
        assertThat(inspection.events()).isEmpty();
        assertThat(inspection.segments()).hasSize(13);
        assertThat(inspection.segments().get(3L).sha256()).isEqualTo(SegmentReader.hash(fake.segmentPath(3)).sha256());
        assertThat(catalog.knownTransaction(REPO)).hasValue(12);
        assertThat(catalog.known(REPO)).isEqualTo(inspection.segments());
    }

    @Test
    void each_segment_is_handed_over_in_snapshot_order_with_its_own_hash_although_several_are_hashed_at_once() {
        Snapshot snap = snapshot();
        List<KnownSegment> handed = new ArrayList<>();
        Inspection inspection;
        try (TamperDetector.Run run = detector.start(REPO, snap, false)) {
            run.forEachRemaining(handed::add);
            inspection = run.finish();
        }

        assertThat(handed).extracting(KnownSegment::number)
                .containsExactlyElementsOf(snap.segments().stream().map(SegmentFile::number).toList());
        assertThat(handed).allSatisfy(k -> assertThat(k.sha256())
                .isEqualTo(SegmentReader.hash(fake.segmentPath(k.number())).sha256()));
        assertThat(handed).containsExactlyElementsOf(inspection.segments().values());
    }

    @Test
    void hashes_started_ahead_are_used_only_for_files_that_did_not_change_since() throws IOException {
        SegmentHashes hashes = TestHashes.create();
        TamperDetector withHashes = new TamperDetector(catalog, Clock.fixed(NOW, ZoneOffset.UTC), 0.5, hashes);
        hashes.hashAhead(REPO, BorgRepository.open(fake.dir()).segments(), s -> true);
        Path three = fake.segmentPath(3);
        byte[] before = Files.readAllBytes(three);
        byte[] after = before.clone();
        after[after.length / 2] ^= 1; // same size, other bytes: a rewrite the early hash must not stand in for
        Files.write(three, after);
        Files.setLastModifiedTime(three, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(three)
                .toMillis() + 5_000));

        Inspection inspection = withHashes.inspect(REPO, snapshot());

        assertThat(inspection.segments().values()).allSatisfy(k -> assertThat(k.sha256())
                .as("segment " + k.number()).isEqualTo(SegmentReader.hash(fake.segmentPath(k.number())).sha256()));
        assertThat(inspection.segments().get(3L).sha256()).isNotEqualTo(io.segvault.test.TestData.sha256(before));
    }

    @Test
    void a_segment_that_vanishes_before_it_is_hashed_fails_the_inspection_and_names_it() throws IOException {
        Snapshot snap = snapshot();
        Files.delete(fake.segmentPath(7));
        assertThatThrownBy(() -> detector.inspect(REPO, snap)).isInstanceOf(BorgRepositoryException.class)
                .hasMessageContaining("segment 7").hasMessageContaining("vanished");
        assertThat(catalog.knownTransaction(REPO)).as("nothing remembered from a failed inspection").isEmpty();
    }

    @Test
    void unchanged_fingerprint_is_not_hashed_again_unless_asked() {
        Snapshot first = snapshot();
        detector.inspect(REPO, first);
        List<KnownSegment> planted = new ArrayList<>(catalog.known(REPO).values());
        KnownSegment three = catalog.known(REPO).get(3L);
        planted.set(3, new KnownSegment(3, three.size(), "0".repeat(64), three.fingerprint()));
        catalog.remember(REPO, 12, planted);

        Inspection trusted = detector.inspect(REPO, snapshot());
        assertThat(trusted.events()).isEmpty();
        assertThat(trusted.segments().get(3L).sha256()).as("hash taken from the catalog").isEqualTo("0".repeat(64));

        Inspection full = detector.inspect(REPO, snapshot(), true);
        assertThat(full.events()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(Kind.CONTENT_CHANGED);
            assertThat(e.segment()).isEqualTo(3);
        });
        assertThat(full.segments().get(3L).sha256()).isEqualTo(three.sha256());
    }

    @Test
    void bytes_changed_under_the_same_number_raise_content_changed_once() throws IOException {
        detector.inspect(REPO, snapshot());
        try (RandomAccessFile file = new RandomAccessFile(fake.segmentPath(4).toFile(), "rw")) {
            file.seek(5000);
            int b = file.read();
            file.seek(5000);
            file.write(b ^ 0xff);
        }
        Inspection inspection = detector.inspect(REPO, snapshot());
        assertThat(inspection.events()).singleElement().satisfies(e -> {
            assertThat(e).extracting(TamperEvent::repo, TamperEvent::kind, TamperEvent::segment, TamperEvent::at)
                    .containsExactly(REPO, Kind.CONTENT_CHANGED, 4L, NOW);
            assertThat(e.detail()).contains("segment 4 has new content under the same number")
                    .contains("borg check --repair").contains("committed transaction 12 -> 12");
        });
        assertThat(detector.inspect(REPO, snapshot()).events()).as("reported once").isEmpty();
    }

    @Test
    void segment_deleted_while_the_transaction_stays_raises_segment_vanished() throws IOException {
        detector.inspect(REPO, snapshot());
        long size = Files.size(fake.segmentPath(6));
        Files.delete(fake.segmentPath(6));
        Inspection inspection = detector.inspect(REPO, snapshot());
        assertThat(inspection.events()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(Kind.SEGMENT_VANISHED);
            assertThat(e.segment()).isEqualTo(6);
            assertThat(e.detail()).contains("segment 6 (" + size + " bytes").contains("did not advance (12 -> 12)");
        });
        assertThat(inspection.segments()).doesNotContainKey(6L);
    }

    @Test
    void compaction_that_advances_t_and_drops_unreferenced_segments_raises_nothing() throws IOException {
        detector.inspect(REPO, snapshot());
        // compact: manifest 13/14, COMMIT 15, survivors of 2 and 10 copied to 16, COMMIT 17; drops 2, 10, 11, 12, 15
        fake.dataSegment(13, 1, 30);
        fake.dataSegment(14, 1, 30);
        fake.commitSegment(15);
        fake.dataSegment(16, 2, 9000);
        for (long n : List.of(2L, 10L, 11L, 12L, 15L)) {
            Files.delete(fake.segmentPath(n));
        }
        fake.commit(17, List.of(0L, 1L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 14L, 16L));
        Inspection inspection = detector.inspect(REPO, snapshot());
        assertThat(inspection.events()).isEmpty();
        assertThat(catalog.knownTransaction(REPO)).hasValue(17);
    }

    @Test
    void segment_deleted_by_hand_is_reported_even_after_a_later_commit_when_the_index_still_needs_it()
            throws IOException {
        detector.inspect(REPO, snapshot());
        Files.delete(fake.segmentPath(5));
        fake.dataSegment(13, 1, 30);
        fake.commit(14, LongStream.rangeClosed(0, 9).boxed().toList());
        Inspection inspection = detector.inspect(REPO, snapshot());
        assertThat(inspection.events()).extracting(TamperEvent::kind, TamperEvent::segment)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.SEGMENT_VANISHED, 5L));
        assertThat(inspection.events().get(0).detail()).contains("index.14 of the newer transaction still points into it");
    }

    @Test
    void most_segments_vanishing_at_once_is_one_mass_disappearance() throws IOException {
        detector.inspect(REPO, snapshot());
        for (long n = 0; n < 10; n++) {
            Files.delete(fake.segmentPath(n));
        }
        Inspection inspection = detector.inspect(REPO, snapshot());
        assertThat(inspection.events()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(Kind.MASS_DISAPPEARANCE);
            assertThat(e.segment()).isEqualTo(-1);
            assertThat(e.detail()).startsWith("10 of 13 known segments").contains(": 0-9;")
                    .contains("did not advance").contains("10 of them not explained");
        });
    }

    @Test
    void mass_disappearance_is_reported_even_when_a_commit_explains_it() throws IOException {
        detector.inspect(REPO, snapshot());
        for (long n = 0; n <= 12; n++) {
            Files.delete(fake.segmentPath(n));
        }
        fake.dataSegment(13, 1, 30);
        fake.commit(14, List.of(13L));
        Inspection inspection = detector.inspect(REPO, snapshot());
        assertThat(inspection.events()).extracting(TamperEvent::kind).containsExactly(Kind.MASS_DISAPPEARANCE);
        assertThat(inspection.events().get(0).detail()).contains("13 of 13 known segments").contains("0-12")
                .contains("0 of them not explained");
    }

    @Test
    void many_tiny_segments_vanishing_is_not_a_mass_disappearance() throws IOException {
        // a normal compaction of a small repository removes most files (the per-transaction manifest and COMMIT
        // segments) but little data; it must not alarm
        FakeRepo small = FakeRepo.create(tmp.resolve("small"), 1000);
        small.dataSegment(0, 4, 50_000);
        for (long n = 1; n <= 8; n++) {
            small.dataSegment(n, 1, 20);
        }
        small.commit(9, List.of(0L, 8L));
        detector.inspect("small", BorgRepository.open(small.dir()).snapshot(tmp.resolve("s1")));
        for (long n = 1; n <= 9; n++) {
            Files.delete(small.segmentPath(n));
        }
        small.dataSegment(10, 1, 20);
        small.commit(11, List.of(0L, 10L));
        Inspection inspection = detector.inspect("small", BorgRepository.open(small.dir()).snapshot(tmp.resolve("s2")));
        assertThat(inspection.events()).isEmpty();
    }

    @Test
    void transaction_going_backwards_with_new_content_says_so() throws IOException {
        detector.inspect(REPO, snapshot());
        Files.delete(fake.segmentPath(12));
        Files.delete(fake.segmentPath(11));
        Files.delete(fake.dir().resolve("index.12"));
        fake.dataSegment(10, 3, 50);
        fake.commit(11, LongStream.rangeClosed(0, 10).boxed().toList());
        Inspection inspection = detector.inspect(REPO, snapshot());
        assertThat(inspection.events()).extracting(TamperEvent::kind, TamperEvent::segment).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(Kind.CONTENT_CHANGED, 10L),
                org.assertj.core.groups.Tuple.tuple(Kind.CONTENT_CHANGED, 11L),
                org.assertj.core.groups.Tuple.tuple(Kind.SEGMENT_VANISHED, 12L));
        assertThat(inspection.events()).filteredOn(e -> e.segment() == 10).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("went backwards"));
    }

    @Test
    void segment_gone_after_the_snapshot_asks_for_a_new_snapshot() throws IOException {
        Snapshot snapshot = snapshot();
        Files.delete(fake.segmentPath(2));
        assertThatThrownBy(() -> detector.inspect(REPO, snapshot)).isInstanceOf(BorgRepositoryException.class)
                .hasMessageContaining("segment 2").hasMessageContaining("take a new snapshot");
        assertThat(catalog.knownTransaction(REPO)).isEmpty();
    }

    @Test
    void catalog_is_only_rewritten_when_something_changed() {
        List<Long> remembered = new ArrayList<>();
        SegmentCatalog counting = new SegmentCatalog() {
            @Override
            public Map<Long, KnownSegment> known(String repo) {
                return catalog.known(repo);
            }

            @Override
            public java.util.OptionalLong knownTransaction(String repo) {
                return catalog.knownTransaction(repo);
            }

            @Override
            public void remember(String repo, long transaction, java.util.Collection<KnownSegment> segments) {
                remembered.add(transaction);
                catalog.remember(repo, transaction, segments);
            }
        };
        TamperDetector d = new TamperDetector(counting, Clock.systemUTC(), 0.5, TestHashes.create());
        d.inspect(REPO, snapshot());
        d.inspect(REPO, snapshot());
        assertThat(remembered).containsExactly(12L);
    }

    @Test
    void mass_fraction_must_be_a_share() {
        assertThatThrownBy(() -> new TamperDetector(catalog, Clock.systemUTC(), 0, TestHashes.create())).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new TamperDetector(catalog, Clock.systemUTC(), 1.5, TestHashes.create())).hasMessageContaining("1.5");
    }

    @Test
    void ranges_are_compact() {
        List<KnownSegment> segments = LongStream.of(0, 1, 2, 5, 7, 8).mapToObj(n -> new KnownSegment(n, 1, "", null))
                .toList();
        assertThat(VanishedSegments.ranges(segments)).isEqualTo("0-2, 5, 7-8");
    }
}
