package io.segvault.core.borg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool of pull mode on local files standing in for remote ones (the reader copies every path): its bound, its
 * cleanup, the single read that both hashes and copies, and when the segment needed next waits for room.
 */
class SegmentSpoolTest {

    private static final SegmentSpool.Reader ALL = new LocalSpoolReader();

    @TempDir
    Path tmp;

    private SegmentFile segment(long n, int size) throws IOException {
        Path file = tmp.resolve("repo").resolve(Long.toString(n));
        Files.createDirectories(file.getParent());
        byte[] bytes = new byte[size];
        new Random(n).nextBytes(bytes);
        Files.write(file, bytes);
        return new SegmentFile(n, file, size, Fingerprint.read(file));
    }

    private long spoolFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".spool")).count();
        }
    }

    @Test
    void reservations_never_exceed_the_capacity_and_a_release_makes_room() throws IOException {
        SegmentSpool spool = SegmentSpool.open(tmp.resolve("spool"), 3000, ALL);
        SegmentSpool.Copy a = spool.tryReserve("r", segment(1, 1000));
        SegmentSpool.Copy b = spool.tryReserve("r", segment(2, 1000));
        SegmentSpool.Copy c = spool.tryReserve("r", segment(3, 1000));
        SegmentFile fourth = segment(4, 1000);

        assertThat(a).isNotNull();
        assertThat(b).isNotNull();
        assertThat(c).isNotNull();
        assertThat(spool.tryReserve("r", fourth)).isNull();
        assertThat(spool.used()).isEqualTo(3000);

        spool.fetch(a);
        spool.release(a);

        assertThat(spool.used()).isEqualTo(2000);
        assertThat(spool.tryReserve("r", fourth)).isNotNull();
        assertThat(spool.used()).isEqualTo(3000);
    }

    @Test
    void a_segment_larger_than_the_spool_is_not_copied_and_does_not_wait() throws IOException {
        SegmentSpool spool = SegmentSpool.open(tmp.resolve("spool"), 1000, ALL);

        assertThat(spool.reserve("r", segment(1, 1001))).isNull();
        assertThat(spool.used()).isZero();
    }

    @Test
    void copies_left_by_a_stopped_agent_are_deleted_on_open_and_nothing_else() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("spool"));
        Files.write(dir.resolve("7-12.spool"), new byte[10]);
        Files.write(dir.resolve("notes.txt"), new byte[10]);

        SegmentSpool.open(dir, 1000, ALL);

        assertThat(dir.resolve("7-12.spool")).doesNotExist();
        assertThat(dir.resolve("notes.txt")).exists();
    }

    @Test
    void one_read_hashes_the_segment_and_leaves_an_identical_copy_until_it_is_released() throws IOException {
        Path dir = tmp.resolve("spool");
        SegmentSpool spool = SegmentSpool.open(dir, 1 << 20, ALL);
        SegmentFile s = segment(5, 300_000);
        SegmentSpool.Copy copy = spool.tryReserve("r", s);

        HashedFile hashed = spool.fetch(copy);

        assertThat(hashed).isEqualTo(SegmentReader.hash(s.path()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(spool.claim("r", s)).containsSame(copy);
        assertThat(Files.readAllBytes(copy.file())).isEqualTo(Files.readAllBytes(s.path()));
        assertThat(spool.claim("r", s)).as("claimed once").isEmpty();
        spool.release(copy);
        assertThat(copy.file()).doesNotExist();
        assertThat(spool.used()).isZero();
        assertThat(spoolFiles(dir)).isZero();
    }

    @Test
    void a_segment_that_grew_since_it_was_listed_is_read_one_byte_past_its_size_and_the_copy_stays_bounded()
            throws IOException {
        SegmentSpool spool = SegmentSpool.open(tmp.resolve("spool"), 1 << 20, ALL);
        SegmentFile s = segment(6, 1000);
        Files.write(s.path(), new byte[50_000]);
        SegmentSpool.Copy copy = spool.tryReserve("r", s);

        HashedFile hashed = spool.fetch(copy);

        assertThat(hashed.size()).isEqualTo(1001); // differs from the listed size: the detector refuses the hash
        assertThat(Files.size(copy.file())).isEqualTo(1000);
    }

    @Test
    void a_segment_that_vanished_leaves_no_copy_and_names_the_file() throws IOException {
        SegmentSpool spool = SegmentSpool.open(tmp.resolve("spool"), 1 << 20, ALL);
        SegmentFile s = segment(7, 1000);
        Files.delete(s.path());
        SegmentSpool.Copy copy = spool.tryReserve("r", s);

        assertThatThrownBy(() -> spool.fetch(copy)).isInstanceOf(BorgRepositoryException.class)
                .hasMessageContaining(s.path().toString()).hasCauseInstanceOf(NoSuchFileException.class);
        assertThat(spool.used()).isZero();
        assertThat(copy.file()).doesNotExist();
    }

    @Test
    void unclaimed_copies_are_dropped_and_claimed_ones_stay_for_their_upload() throws IOException {
        SegmentSpool spool = SegmentSpool.open(tmp.resolve("spool"), 1 << 20, ALL);
        SegmentFile claimed = segment(1, 1000);
        SegmentFile unclaimed = segment(2, 1000);
        SegmentSpool.Copy a = spool.tryReserve("r", claimed);
        SegmentSpool.Copy b = spool.tryReserve("r", unclaimed);
        spool.fetch(a);
        spool.fetch(b);
        spool.claim("r", claimed);

        spool.dropUnclaimed("r");

        assertThat(a.file()).exists();
        assertThat(b.file()).doesNotExist();
        assertThat(spool.used()).isEqualTo(1000);
    }

    @Test
    void a_copy_released_while_it_is_being_written_is_deleted_when_the_write_ends() throws IOException {
        SegmentSpool spool = SegmentSpool.open(tmp.resolve("spool"), 1 << 20, ALL);
        SegmentFile s = segment(1, 1000);
        SegmentSpool.Copy copy = spool.tryReserve("r", s);

        spool.dropUnclaimed("r"); // e.g. a pass that failed while this copy was under way
        assertThat(spool.used()).as("still reserved while written").isEqualTo(1000);
        spool.fetch(copy);

        assertThat(copy.file()).doesNotExist();
        assertThat(spool.used()).isZero();
    }

    @Test
    void the_segment_needed_next_waits_for_an_upload_of_its_repository_to_free_room() throws Exception {
        SegmentSpool spool = SegmentSpool.open(tmp.resolve("spool"), 1000, ALL);
        SegmentFile uploading = segment(1, 1000);
        SegmentSpool.Copy held = spool.tryReserve("r", uploading);
        spool.fetch(held);
        spool.claim("r", uploading);
        SegmentFile next = segment(2, 1000);

        CompletableFuture<SegmentSpool.Copy> waiting = CompletableFuture.supplyAsync(() -> spool.reserve("r", next));
        spool.release(held);

        assertThat(waiting.get(30, TimeUnit.SECONDS)).as("room after the upload's release").isNotNull();
        assertThat(spool.used()).isEqualTo(1000);
    }

    @Test
    void the_segment_needed_next_does_not_wait_for_copies_no_upload_holds() throws IOException {
        SegmentSpool spool = SegmentSpool.open(tmp.resolve("spool"), 2000, ALL);
        SegmentFile ahead = segment(1, 1000);
        spool.fetch(spool.tryReserve("other", ahead));
        SegmentFile own = segment(2, 1000);
        spool.fetch(spool.tryReserve("r", own));

        assertThat(spool.reserve("r", segment(3, 10))).as("hash and upload from the server instead").isNull();
    }
}
