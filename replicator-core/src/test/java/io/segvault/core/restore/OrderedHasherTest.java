package io.segvault.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.test.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OrderedHasherTest {

    private static final int RANGE = 64 * 1024;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void ranges_written_in_any_interleaving_hash_to_the_file_sha256(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = TestData.bytes(seed, 9 * RANGE + random.nextInt(RANGE));
        Path path = tmp.resolve("f" + seed);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            OrderedHasher hasher = new OrderedHasher(ch, path, data.length, RANGE);
            assertThat(hasher.ranges()).isEqualTo(10);
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int k = hasher.ranges() - 1; k >= 0; k--) {
                int range = k;
                long chunkSeed = random.nextLong();
                writers.add(CompletableFuture.runAsync(() -> writeRange(ch, hasher, data, range, chunkSeed), pool));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).join();
            assertThat(hasher.hashed()).isEqualTo(data.length);
            assertThat(hasher.sha256()).isEqualTo(TestData.sha256(data));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void bytes_written_ahead_of_the_digest_are_read_back_from_the_file() throws IOException {
        byte[] data = TestData.bytes(7, 3 * RANGE);
        Path path = tmp.resolve("ahead");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            OrderedHasher hasher = new OrderedHasher(ch, path, data.length, RANGE);
            writeChunk(ch, hasher, data, 2, 2 * RANGE, RANGE);
            writeChunk(ch, hasher, data, 1, RANGE, RANGE / 2);
            assertThat(hasher.hashed()).as("nothing before range 0 is written").isZero();
            writeChunk(ch, hasher, data, 0, 0, RANGE);
            assertThat(hasher.hashed()).as("range 0, the written half of range 1").isEqualTo(RANGE + RANGE / 2);
            assertThat(hasher.resumeAt(1)).isEqualTo(RANGE + RANGE / 2);
            writeChunk(ch, hasher, data, 1, RANGE + RANGE / 2, RANGE / 2);
            assertThat(hasher.hashed()).isEqualTo(data.length);
            assertThat(hasher.sha256()).isEqualTo(TestData.sha256(data));
        }
    }

    @Test
    void a_write_that_is_not_where_its_range_got_to_is_refused_and_an_unfinished_file_has_no_digest() throws IOException {
        Path path = tmp.resolve("gap");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            OrderedHasher hasher = new OrderedHasher(ch, path, 2 * RANGE, RANGE);
            byte[] buf = new byte[16];
            assertThatThrownBy(() -> hasher.written(1, buf, buf.length, RANGE + 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(path.toString()).hasMessageContaining("range 1");
            assertThatThrownBy(() -> hasher.written(0, new byte[RANGE + 1], RANGE + 1, 0)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(hasher::sha256).isInstanceOf(IllegalStateException.class).hasMessageContaining("0 of " + 2 * RANGE);
        }
    }

    @Test
    void an_empty_file_has_no_ranges_and_the_empty_digest() throws IOException {
        Path path = tmp.resolve("empty");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            OrderedHasher hasher = new OrderedHasher(ch, path, 0, RANGE);
            assertThat(hasher.ranges()).isZero();
            assertThat(hasher.sha256()).isEqualTo(TestData.sha256(new byte[0]));
        }
    }

    /** Writes one range front to back in chunks of random size, as a ranged download does. */
    private static void writeRange(FileChannel ch, OrderedHasher hasher, byte[] data, int range, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long pos = hasher.start(range);
        while (pos < hasher.end(range)) {
            int n = (int) Math.min(1 + random.nextInt(RANGE / 3), hasher.end(range) - pos);
            writeChunk(ch, hasher, data, range, pos, n);
            pos += n;
        }
    }

    private static void writeChunk(FileChannel ch, OrderedHasher hasher, byte[] data, int range, long pos, int n) {
        byte[] buf = Arrays.copyOfRange(data, (int) pos, (int) pos + n);
        try {
            ByteBuffer bb = ByteBuffer.wrap(buf);
            while (bb.hasRemaining()) {
                ch.write(bb, pos + bb.position());
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        // the caller's buffer is reused for the next chunk: scribble on the copy after the call to prove no one kept it
        hasher.written(range, buf, n, pos);
        Arrays.fill(buf, (byte) 0x55);
    }
}
