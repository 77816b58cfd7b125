package io.segvault.core.borg;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.test.BorgFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model against real borg 1.2 through a repository's life: it must agree with borg's own code at every step. */
class BorgModelIT {

    private static final int SEGMENTS_PER_DIR = 10;

    @TempDir
    Path tmp;

    private BorgFixture borg;
    private Path repo;
    private int step;

    @Test
    void model_agrees_with_borg_through_init_create_prune_compact_and_repair() {
        borg = new BorgFixture(tmp.resolve("client"));
        repo = tmp.resolve("repo");
        Path src = tmp.resolve("src");
        borg.init(repo, "repokey-blake2");
        borg.config(repo, "max_segment_size", "1M");
        borg.config(repo, "segments_per_dir", Integer.toString(SEGMENTS_PER_DIR));
        verify("init");
        for (int generation = 1; generation <= 3; generation++) {
            BorgFixture.generateData(src, 42, generation, 3);
            borg.create(repo, "a" + generation, src);
            verify("create a" + generation);
        }
        borg.prune(repo, 2);
        verify("prune");
        List<Long> beforeCompact = numbers(BorgRepository.open(repo).segments());
        borg.compact(repo);
        verify("compact");
        List<Long> afterCompact = numbers(BorgRepository.open(repo).segments());
        assertThat(beforeCompact).as("compact deleted segments").anySatisfy(n -> assertThat(afterCompact).doesNotContain(n));
        assertThat(borg.check(repo).ok()).isTrue();
        verify("check");
        borg.run("check", "--repair", repo.toString());
        verify("check --repair");
        borg.deleteArchive(repo, "a2");
        verify("delete");
        assertThat(BorgRepository.open(repo).segments().stream().map(s -> s.path().getParent()).distinct().count())
                .as("several data/<d> directories in use").isGreaterThan(1);
    }

    private void verify(String label) {
        step++;
        BorgRepository model = BorgRepository.open(repo);
        BorgTruth.State truth = BorgTruth.of(repo, SEGMENTS_PER_DIR, tmp);
        assertThat(truth.index()).as(label + ": borg's index and segment transaction agree")
                .isEqualTo(truth.segmentsTransaction());
        assertThat(model.committedTransaction()).as(label + ": T").hasValue(truth.index());
        List<SegmentFile> segments = model.segments();
        assertThat(segments).as(label + ": segment numbers and sizes").extracting(SegmentFile::number, SegmentFile::size)
                .containsExactlyElementsOf(truth.segments().stream()
                        .map(s -> org.assertj.core.groups.Tuple.tuple(s.n(), s.size())).toList());
        for (int i = 0; i < segments.size(); i++) {
            SegmentScan scan = SegmentReader.scan(segments.get(i).path());
            BorgTruth.Segment expected = truth.segments().get(i);
            assertThat(scan).as(label + ": scan of segment " + expected.n())
                    .extracting(SegmentScan::puts, SegmentScan::deletes, SegmentScan::commits, SegmentScan::endsWithCommit,
                            SegmentScan::valid)
                    .containsExactly(expected.puts(), expected.deletes(), expected.commits(), expected.committed(),
                            expected.error() == null);
        }
        assertThat(model.readConfig().segmentsPerDir()).isEqualTo(SEGMENTS_PER_DIR);

        Snapshot snapshot = model.snapshot(tmp.resolve("scratch-" + step));
        assertThat(snapshot.transaction()).isEqualTo(truth.index());
        assertThat(numbers(snapshot.segments())).as(label + ": snapshot segments")
                .containsExactlyElementsOf(truth.segments().stream().map(BorgTruth.Segment::n)
                        .filter(n -> n <= truth.index()).toList());
        assertThat(snapshot.controls()).extracting(ControlFile::name).as(label + ": control files")
                .containsExactly("config", "index." + truth.index(), "hints." + truth.index(),
                        "integrity." + truth.index(), "nonce");
        Path copy = SnapshotCopies.materialize(snapshot, tmp.resolve("copy-" + step), false);
        assertThat(SnapshotCopies.checkAsNewClient(copy, tmp.resolve("client-" + step)))
                .as(label + ": archives in the copy").isEqualTo(borg.list(repo));
    }

    private static List<Long> numbers(List<SegmentFile> segments) {
        return segments.stream().map(SegmentFile::number).toList();
    }
}
