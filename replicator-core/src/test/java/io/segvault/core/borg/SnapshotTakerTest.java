package io.segvault.core.borg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotTakerTest {

    @TempDir
    Path tmp;

    private FakeRepo fake;
    private Path scratch;

    /** Transaction 4: data 0-1, manifest segments 2-3, COMMIT 4; plus uncommitted 5-6 of a running transaction. */
    @BeforeEach
    void repository() {
        fake = FakeRepo.create(tmp.resolve("repo"), 3);
        fake.dataSegment(0, 2, 1000);
        fake.dataSegment(1, 1, 500);
        fake.dataSegment(2, 1, 10);
        fake.dataSegment(3, 1, 10);
        fake.commit(4, List.of(0L, 1L, 3L));
        fake.nonce("00000000000a0000");
        fake.dataSegment(5, 3, 800);
        fake.dataSegment(6, 1, 100);
        scratch = tmp.resolve("scratch");
    }

    private Snapshot take(SnapshotTaker.Hooks hooks) {
        return new SnapshotTaker(BorgRepository.open(fake.dir()), hooks).take(scratch);
    }

    @Test
    void snapshot_lists_segments_up_to_t_and_copies_the_control_files() throws Exception {
        Snapshot snapshot = BorgRepository.open(fake.dir()).snapshot(scratch);
        assertThat(snapshot.transaction()).isEqualTo(4);
        assertThat(snapshot.segments()).extracting(SegmentFile::number).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(snapshot.config().segmentsPerDir()).isEqualTo(3);
        assertThat(snapshot.controls()).extracting(ControlFile::name)
                .containsExactly("config", "index.4", "hints.4", "integrity.4", "nonce");
        for (ControlFile control : snapshot.controls()) {
            byte[] original = Files.readAllBytes(fake.dir().resolve(control.name()));
            assertThat(control.copy()).isEqualTo(scratch.toAbsolutePath().resolve(control.name()));
            assertThat(Files.readAllBytes(control.copy())).isEqualTo(original);
            assertThat(control.size()).isEqualTo(original.length);
            assertThat(control.sha256()).isEqualTo(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(original)));
        }
        assertThat(snapshot.control("nonce")).isPresent();
        assertThat(snapshot.segmentBytes()).isEqualTo(snapshot.segments().stream().mapToLong(SegmentFile::size).sum());
    }

    @Test
    void snapshot_creates_nothing_inside_the_repository() throws IOException {
        List<Path> before = listing(fake.dir());
        BorgRepository.open(fake.dir()).snapshot(scratch);
        assertThat(listing(fake.dir())).isEqualTo(before);
    }

    @Test
    void scratch_directory_inside_the_repository_is_refused() throws IOException {
        BorgRepository repo = BorgRepository.open(fake.dir());
        assertThatThrownBy(() -> repo.snapshot(fake.dir().resolve("tmp"))).isInstanceOf(BorgRepositoryException.class)
                .hasMessageContaining("is inside repository");
        assertThat(fake.dir().resolve("tmp")).doesNotExist();
        Path link = Files.createSymbolicLink(tmp.resolve("link-into-repo"), fake.dir().resolve("data"));
        assertThatThrownBy(() -> repo.snapshot(link.resolve("scratch"))).hasMessageContaining("is inside repository");
        assertThat(fake.dir().resolve("data/scratch")).doesNotExist();
    }

    @Test
    void optional_control_files_may_be_missing() throws IOException {
        Files.delete(fake.dir().resolve("nonce"));
        Files.delete(fake.dir().resolve("hints.4"));
        Snapshot snapshot = BorgRepository.open(fake.dir()).snapshot(scratch);
        assertThat(snapshot.controls()).extracting(ControlFile::name).containsExactly("config", "index.4", "integrity.4");
    }

    @Test
    void a_commit_during_the_copy_restarts_with_the_new_transaction() {
        AtomicInteger copies = new AtomicInteger();
        Snapshot snapshot = take(new SnapshotTaker.Hooks() {
            @Override
            public void afterCopy(int attempt, long transaction) {
                copies.incrementAndGet();
                if (attempt == 1) {
                    fake.commitSegment(7);
                    fake.writeIndex(7, List.of(0L, 1L, 5L, 6L));
                }
            }

            @Override
            public void pause(int attempt) {
            }
        });
        assertThat(copies).hasValue(2);
        assertThat(snapshot.transaction()).isEqualTo(7);
        assertThat(snapshot.segments()).extracting(SegmentFile::number).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(scratch.resolve("index.4")).as("copies of the abandoned attempt are removed").doesNotExist();
        assertThat(scratch.resolve("index.7")).exists();
    }

    @Test
    void compaction_deleting_segments_before_its_index_appears_is_never_snapshotted_half_done() throws IOException {
        // borg compact: COMMIT 7 first, then unlink old segments, then index.7
        List<String> reasons = new ArrayList<>();
        Snapshot snapshot = take(new SnapshotTaker.Hooks() {
            @Override
            public void afterCopy(int attempt, long transaction) {
                if (attempt == 1) {
                    fake.dataSegment(5, 2, 700);
                    fake.commitSegment(6);
                    fake.commitSegment(7);
                    delete(fake.segmentPath(2));
                }
            }

            @Override
            public void pause(int attempt) {
                reasons.add("pause " + attempt);
                if (attempt == 2) {
                    delete(fake.segmentPath(3));
                    fake.writeIndex(7, List.of(0L, 1L, 5L));
                }
            }
        });
        assertThat(reasons).containsExactly("pause 1", "pause 2");
        assertThat(snapshot.transaction()).isEqualTo(7);
        assertThat(snapshot.segments()).extracting(SegmentFile::number).containsExactly(0L, 1L, 4L, 5L, 6L, 7L);
    }

    @Test
    void a_segment_rewritten_during_the_copy_restarts() {
        AtomicInteger attempts = new AtomicInteger();
        Snapshot snapshot = take(new SnapshotTaker.Hooks() {
            @Override
            public void afterCopy(int attempt, long transaction) {
                attempts.set(attempt);
                if (attempt == 1) {
                    delete(fake.segmentPath(1));
                    fake.dataSegment(1, 1, 20);
                }
            }

            @Override
            public void pause(int attempt) {
            }
        });
        assertThat(attempts).hasValue(2);
        assertThat(snapshot.segments().get(1).size()).isEqualTo(8 + 41 + 20);
    }

    @Test
    void a_commit_that_never_gets_its_index_ends_in_a_clear_error() {
        fake.commitSegment(7);
        AtomicInteger pauses = new AtomicInteger();
        SnapshotTaker taker = new SnapshotTaker(BorgRepository.open(fake.dir()), new SnapshotTaker.Hooks() {
            @Override
            public void pause(int attempt) {
                pauses.incrementAndGet();
            }
        });
        assertThatThrownBy(() -> taker.take(scratch)).isInstanceOf(BorgRepositoryException.class)
                .hasMessageContaining("no consistent snapshot of " + fake.dir().toAbsolutePath())
                .hasMessageContaining("after " + SnapshotTaker.MAX_ATTEMPTS + " attempts")
                .hasMessageContaining("segment 7 above index transaction 4 already ends with a COMMIT");
        assertThat(pauses).hasValue(SnapshotTaker.MAX_ATTEMPTS - 1);
    }

    @Test
    void repository_without_index_cannot_be_snapshotted() throws IOException {
        Files.delete(fake.dir().resolve("index.4"));
        SnapshotTaker taker = new SnapshotTaker(BorgRepository.open(fake.dir()), new SnapshotTaker.Hooks() {
            @Override
            public void pause(int attempt) {
            }
        });
        assertThatThrownBy(() -> taker.take(scratch)).hasMessageContaining("no non-empty index.N");
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.sorted().toList();
        }
    }
}
