package io.segvault.core.borg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.segvault.test.BorgFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a running {@code borg create} leaves uncommitted segments above T; the next create deletes them
 * and writes other content under the same numbers. The model must never report the uncommitted ones, and the tamper
 * detector must not mistake the reuse for a changed segment.
 */
class CrashedCreateIT {

    @TempDir
    Path tmp;

    @Test
    void uncommitted_segments_of_a_killed_create_are_never_reported_and_their_numbers_reuse_is_no_tamper()
            throws Exception {
        BorgFixture borg = new BorgFixture(tmp.resolve("client"));
        Path repo = tmp.resolve("repo");
        SnapshotCopies.initWithArchive(borg, repo, "1M", "one", tmp.resolve("one"), 1, 4);
        BorgRepository model = BorgRepository.open(repo);
        TamperDetector detector = new TamperDetector(new InMemorySegmentCatalog(), Clock.systemUTC(), 0.5, TestHashes.create());
        long committed = model.committedTransaction().orElseThrow();
        assertThat(detector.inspect("repo", model.snapshot(tmp.resolve("s0"))).events()).isEmpty();

        BorgFixture.generateData(tmp.resolve("two"), 99, 1, 60);
        Process create = borg.start(tmp.resolve("two"), tmp.resolve("two.log"), "create", "--noctime",
                "--compression", "zstd,16", repo + "::two", ".");
        await().atMost(Duration.ofMinutes(2)).until(() -> model.segments().stream().filter(s -> s.number() > committed)
                .count() >= 4 || !create.isAlive());
        assertThat(create.isAlive()).as("borg create still running when killed").isTrue();
        create.destroyForcibly().waitFor();
        assertThat(create.exitValue()).as("killed by SIGKILL").isEqualTo(137);

        Map<Long, String> uncommitted = new TreeMap<>();
        model.segments().stream().filter(s -> s.number() > committed)
                .forEach(s -> uncommitted.put(s.number(), SegmentReader.hash(s.path()).sha256()));
        assertThat(uncommitted).hasSizeGreaterThanOrEqualTo(4);
        assertThat(model.committedTransaction()).hasValue(committed);
        Snapshot afterKill = model.snapshot(tmp.resolve("s1"));
        assertThat(afterKill.transaction()).isEqualTo(committed);
        assertThat(afterKill.segments()).extracting(SegmentFile::number).doesNotContainAnyElementsOf(uncommitted.keySet());
        assertThat(detector.inspect("repo", afterKill).events()).isEmpty();

        BorgFixture.generateData(tmp.resolve("three"), 5, 2, 3);
        borg.create(repo, "three", tmp.resolve("three"));
        Snapshot next = model.snapshot(tmp.resolve("s2"));
        assertThat(next.transaction()).isGreaterThan(committed);
        List<SegmentFile> reused = next.segments().stream().filter(s -> uncommitted.containsKey(s.number())).toList();
        assertThat(reused).as("the next create reused numbers of the killed one").isNotEmpty();
        Map<Long, String> now = new TreeMap<>();
        reused.forEach(s -> now.put(s.number(), SegmentReader.hash(s.path()).sha256()));
        assertThat(now).as("reused numbers hold other content").anySatisfy((n, sha) -> assertThat(sha)
                .isNotEqualTo(uncommitted.get(n)));

        Inspection inspection = detector.inspect("repo", next);
        assertThat(inspection.events()).as("no false CONTENT_CHANGED for never-committed numbers").isEmpty();
        now.forEach((n, sha) -> assertThat(inspection.segments().get(n).sha256()).isEqualTo(sha));
        Path copy = SnapshotCopies.materialize(next, tmp.resolve("copy"), false);
        assertThat(SnapshotCopies.checkAsNewClient(copy, tmp.resolve("fresh"))).containsExactly("one", "three");
    }
}
