package io.segvault.core.borg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.segvault.core.borg.TamperEvent.Kind;
import io.segvault.test.BorgFixture;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tamper events on a real borg repository: raised for changes outside borg, never for borg's own prune + compact. */
class TamperDetectorIT {

    private static final Logger LOG = LoggerFactory.getLogger(TamperDetectorIT.class);
    private static final String NAME = "repo";

    @TempDir
    Path tmp;

    private BorgFixture borg;
    private Path repo;
    private Path src;
    private BorgRepository model;
    private TamperDetector detector;
    private int inspections;

    /** Four archives of successive generations of 6 MB data, 1 MB segments; the detector has seen it once. */
    @BeforeEach
    void repository() {
        borg = new BorgFixture(tmp.resolve("client"));
        repo = tmp.resolve("repo");
        src = tmp.resolve("src");
        borg.init(repo, "repokey-blake2");
        borg.config(repo, "max_segment_size", "1M");
        for (int generation = 1; generation <= 4; generation++) {
            BorgFixture.generateData(src, 42, generation, 6);
            borg.create(repo, "a" + generation, src);
        }
        model = BorgRepository.open(repo);
        detector = new TamperDetector(new InMemorySegmentCatalog(), Clock.systemUTC(), 0.5, TestHashes.create());
        assertThat(inspect().events()).isEmpty();
    }

    private Inspection inspect() {
        Inspection inspection = detector.inspect(NAME, model.snapshot(tmp.resolve("scratch-" + inspections++)));
        inspection.events().forEach(e -> LOG.info("{} segment {}: {}", e.kind(), e.segment(), e.detail()));
        return inspection;
    }

    /** The largest sealed segment below T (a data segment). */
    private SegmentFile sealedDataSegment() {
        long t = model.committedTransaction().orElseThrow();
        return model.segments().stream().filter(s -> s.number() < t).max(Comparator.comparingLong(SegmentFile::size))
                .orElseThrow();
    }

    @Test
    void normal_prune_and_compact_and_new_backups_raise_nothing() {
        List<SegmentFile> before = model.segments();
        borg.prune(repo, 2);
        assertThat(inspect().events()).isEmpty();
        borg.compact(repo);
        List<Long> after = model.segments().stream().map(SegmentFile::number).toList();
        long vanished = before.stream().filter(s -> !after.contains(s.number())).count();
        LOG.info("compact removed {} of {} segments", vanished, before.size());
        assertThat(vanished).as("compact removed segments").isPositive();
        assertThat(inspect().events()).isEmpty();
        BorgFixture.generateData(src, 42, 5, 6);
        borg.create(repo, "a5", src);
        assertThat(inspect().events()).isEmpty();
        assertThat(borg.check(repo).ok()).isTrue();
        assertThat(inspect().events()).as("borg check rewrites config only").isEmpty();
    }

    @Test
    void flipped_bytes_in_a_sealed_segment_are_content_changed_and_so_is_borgs_repair() throws IOException {
        SegmentFile victim = sealedDataSegment();
        try (RandomAccessFile file = new RandomAccessFile(victim.path().toFile(), "rw")) {
            long at = victim.size() / 2;
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0x5a);
        }
        assertThat(inspect().events()).extracting(TamperEvent::kind, TamperEvent::segment)
                .containsExactly(tuple(Kind.CONTENT_CHANGED, victim.number()));

        borg.run("check", "--repair", repo.toString());
        Inspection repaired = inspect();
        assertThat(repaired.events()).extracting(TamperEvent::kind, TamperEvent::segment)
                .containsExactly(tuple(Kind.CONTENT_CHANGED, victim.number()));
        assertThat(repaired.events().get(0).detail()).contains("borg check --repair");
        assertThat(repaired.segments().get(victim.number()).size()).as("repair dropped the broken entry")
                .isLessThan(victim.size());
    }

    @Test
    void sealed_segment_deleted_by_hand_is_segment_vanished() throws IOException {
        SegmentFile victim = sealedDataSegment();
        Files.delete(victim.path());
        Inspection inspection = inspect();
        assertThat(inspection.events()).extracting(TamperEvent::kind, TamperEvent::segment)
                .containsExactly(tuple(Kind.SEGMENT_VANISHED, victim.number()));
        assertThat(inspect().events()).as("reported once").isEmpty();
    }

    @Test
    void segment_deleted_by_hand_before_the_next_backup_is_still_segment_vanished() throws IOException {
        SegmentFile victim = sealedDataSegment();
        Files.delete(victim.path());
        BorgFixture.generateData(src, 42, 5, 6);
        borg.create(repo, "a5", src);
        assertThat(inspect().events()).extracting(TamperEvent::kind, TamperEvent::segment)
                .containsExactly(tuple(Kind.SEGMENT_VANISHED, victim.number()));
        assertThat(borg.check(repo).ok()).as("borg check notices the loss too").isFalse();
    }

    @Test
    void eighty_percent_of_segments_deleted_at_once_is_a_mass_disappearance() throws IOException {
        List<SegmentFile> segments = model.segments();
        int victims = (int) Math.ceil(segments.size() * 0.8);
        for (SegmentFile segment : segments.subList(0, victims)) {
            Files.delete(segment.path());
        }
        Inspection inspection = inspect();
        assertThat(inspection.events()).extracting(TamperEvent::kind).containsExactly(Kind.MASS_DISAPPEARANCE);
        assertThat(inspection.events().get(0).detail()).startsWith(victims + " of " + segments.size() + " known segments");
    }
}
