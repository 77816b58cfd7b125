package io.segvault.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.core.store.ObjectReader;
import io.segvault.core.store.memory.InMemoryObjectStore;
import io.segvault.test.TestData;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RangedDownloaderTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    private final InMemoryObjectStore memory = new InMemoryObjectStore("bkt", Clock.systemUTC());
    private final ExecutorService pool = Executors.newFixedThreadPool(3);
    private final AtomicLong progressed = new AtomicLong();
    private final RestoreProgress progress = new RestoreProgress() {
        @Override
        public void started(int objects, long bytes) {
            // not called by the downloader
        }

        @Override
        public void advanced(long bytes) {
            progressed.addAndGet(bytes);
        }

        @Override
        public void finished() {
            // not called by the downloader
        }
    };

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void a_large_object_arrives_in_parallel_ranges_byte_for_byte_and_hashed_on_the_way() throws IOException {
        byte[] data = TestData.bytes(1, 5 * MIB + 12345);
        Restorer.Download d = put("seg/big", data, TestData.sha256(data));
        BreakingStore store = new BreakingStore(memory, 0);

        new RangedDownloader(store, pool, MIB, progress).fetch(d).join();

        assertThat(Files.readAllBytes(d.file())).isEqualTo(data);
        assertThat(store.gets).as("one GET per 1 MiB range").hasValue(6);
        assertThat(progressed).hasValue(data.length);
    }

    @Test
    void a_broken_range_resumes_after_the_bytes_it_wrote_so_none_is_written_or_counted_twice() throws IOException {
        byte[] data = TestData.bytes(2, 4 * MIB + 400_000);
        Restorer.Download d = put("seg/flaky", data, TestData.sha256(data));
        BreakingStore store = new BreakingStore(memory, 300_000);

        new RangedDownloader(store, pool, MIB, progress).fetch(d).join();

        assertThat(Files.readAllBytes(d.file())).isEqualTo(data);
        assertThat(store.gets).as("every range broke once, then resumed").hasValue(10);
        assertThat(store.offsets).as("each retry starts after what its range wrote, not at the range's start")
                .hasSize(10).filteredOn(o -> o % MIB != 0).hasSize(5).allMatch(o -> o % MIB > 0 && o % MIB <= 300_000);
        assertThat(progressed).hasValue(data.length);
    }

    @Test
    void bytes_that_do_not_hash_to_the_points_sha256_fail_naming_the_object() {
        byte[] data = TestData.bytes(3, 3 * MIB);
        Restorer.Download d = put("seg/tampered", data, TestData.sha256(TestData.bytes(4, 3 * MIB)));

        assertThatThrownBy(() -> new RangedDownloader(memory, pool, MIB, progress).fetch(d).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(RestoreException.class)
                .hasMessageContaining("object seg/tampered version " + d.versionId() + " has SHA-256 " + TestData.sha256(data))
                .hasMessageContaining("corrupt or tampered");
    }

    @Test
    void an_object_shorter_than_the_point_says_fails_naming_the_object_and_range() {
        byte[] data = TestData.bytes(5, 2 * MIB);
        Restorer.Download d = new Restorer.Download("seg/short", memory.putRaw("seg/short", data), 2L * MIB + 10,
                TestData.sha256(data), tmp.resolve("short"));

        assertThatThrownBy(() -> new RangedDownloader(memory, pool, MIB, progress).fetch(d).join())
                .cause().isInstanceOf(RestoreException.class)
                .hasMessageContaining("download of seg/short bytes " + 2 * MIB + "-" + (2 * MIB + 9) + " failed 3 times");
    }

    @Test
    void with_fsync_a_large_file_goes_to_the_disk_while_it_downloads_not_only_at_the_end() throws IOException {
        byte[] data = TestData.bytes(6, 6 * MIB + 777);
        Restorer.Download d = put("seg/written-back", data, TestData.sha256(data));
        AtomicInteger writebacks = new AtomicInteger();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Executor counting = task -> {
                writebacks.incrementAndGet();
                writer.execute(task);
            };
            new RangedDownloader(memory, pool, 2L * MIB, progress, new RangedDownloader.Flush(true, counting, MIB))
                    .fetch(d).join();
        } finally {
            writer.shutdown();
        }

        assertThat(Files.readAllBytes(d.file())).isEqualTo(data);
        assertThat(writebacks.get()).as("early writebacks of a 6 MiB file, one per MiB at most, one at a time")
                .isBetween(1, 6);
    }

    @Test
    void without_fsync_nothing_is_written_back_early() throws IOException {
        byte[] data = TestData.bytes(7, 3 * MIB);
        Restorer.Download d = put("seg/not-written-back", data, TestData.sha256(data));
        AtomicInteger writebacks = new AtomicInteger();

        new RangedDownloader(memory, pool, MIB, progress,
                new RangedDownloader.Flush(false, task -> writebacks.incrementAndGet(), MIB)).fetch(d).join();

        assertThat(Files.readAllBytes(d.file())).isEqualTo(data);
        assertThat(writebacks).hasValue(0);
    }

    @Test
    void an_empty_object_is_an_empty_file() throws IOException {
        Restorer.Download d = put("seg/empty", new byte[0], TestData.sha256(new byte[0]));

        new RangedDownloader(memory, pool, MIB, progress).fetch(d).join();

        assertThat(d.file()).exists().isEmptyFile();
    }

    private Restorer.Download put(String key, byte[] data, String sha256) {
        String version = memory.putRaw(key, data);
        return new Restorer.Download(key, version, data.length, sha256, tmp.resolve(key.replace('/', '_')));
    }

    /** Counts GETs and the bytes each asks for; the first GET of each range breaks after {@code breakAfter} bytes. */
    private static final class BreakingStore extends DelegatingReader {
        private final long breakAfter;
        private final AtomicInteger gets = new AtomicInteger();
        private final ConcurrentLinkedQueue<Long> offsets = new ConcurrentLinkedQueue<>();
        private final java.util.Set<Long> broken = java.util.concurrent.ConcurrentHashMap.newKeySet();

        BreakingStore(ObjectReader delegate, long breakAfter) {
            super(delegate);
            this.breakAfter = breakAfter;
        }

        @Override
        public InputStream get(String key, String versionId, long offset, long length) {
            gets.incrementAndGet();
            offsets.add(offset);
            InputStream in = super.get(key, versionId, offset, length);
            if (breakAfter <= 0 || offset % MIB != 0 || !broken.add(offset)) {
                return in;
            }
            return new FilterInputStream(in) {
                private long left = breakAfter;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        throw new IOException("connection reset (test)");
                    }
                    int n = super.read(b, off, (int) Math.min(len, left));
                    left -= Math.max(0, n);
                    return n;
                }
            };
        }
    }
}
