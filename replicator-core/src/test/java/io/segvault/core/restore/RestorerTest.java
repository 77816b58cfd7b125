package io.segvault.core.restore;

import io.segvault.core.util.Threads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.core.borg.SegmentBytes;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.store.ObjectReader;
import io.segvault.core.store.StoreUnavailableException;
import io.segvault.core.store.memory.InMemoryObjectStore;
import io.segvault.test.ShiftableClock;
import io.segvault.test.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore from the in-memory store of hand-made points: open files and threads bounded however many segments,
 * resume after a failure on the store's side, nothing left after an integrity failure. The same against real borg
 * and Ceph: RestoreIT, and in agent RestoreManySegmentsIT (ulimit -n 1024, kill -9 and run again).
 */
class RestorerTest {

    private static final String REPO = "r";
    private static final String ID = "ab".repeat(32);
    private static final Path FDS = Path.of("/proc/self/fd");

    @TempDir
    Path tmp;

    private final BucketLayout layout = new BucketLayout("");
    private final ShiftableClock clock = new ShiftableClock();
    private final InMemoryObjectStore memory = new InMemoryObjectStore("b", clock);

    /**
     * Puts a point of segments 0..t (t ends with a COMMIT; the others are small random objects) and a config into the
     * store; returns what each restored file must hold, by its path below the repository.
     */
    private Map<String, byte[]> putPoint(int t) {
        Map<String, byte[]> files = new TreeMap<>();
        List<RestorePoint.SegmentEntry> segs = new ArrayList<>();
        String base = layout.repoPrefix(REPO);
        for (int n = 0; n <= t; n++) {
            byte[] data = n == t ? SegmentBytes.segment().put(n, 40).commit().build() : TestData.bytes(n, 64 + n % 100);
            String sha = TestData.sha256(data);
            String key = "segments/" + BucketLayout.pad(n) + "/" + sha;
            segs.add(new RestorePoint.SegmentEntry(n, key, data.length, sha, memory.putRaw(base + key, data)));
            files.put("data/" + n / 1000 + "/" + n, data);
        }
        List<RestorePoint.ControlEntry> ctl = new ArrayList<>();
        for (String name : List.of("config", "hints." + t)) {
            byte[] data = (name + " of the test\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            String key = "control/" + BucketLayout.pad(t) + "/" + name;
            ctl.add(new RestorePoint.ControlEntry(name, key, data.length, TestData.sha256(data), memory.putRaw(base + key, data)));
            files.put(name, data);
        }
        byte[] point = ManifestCodec.encode(new RestorePoint(2, REPO, ID, t, Instant.EPOCH, 1000, null, segs, ctl, false));
        clock.shift(Duration.ofSeconds(1));
        memory.putRaw(layout.point(REPO, t, ManifestCodec.sha256(point)), point);
        return files;
    }

    private Restorer.Result restore(ObjectReader store, Path target, int parallelism) {
        return restore(store, target, parallelism, true);
    }

    private Restorer.Result restore(ObjectReader store, Path target, int parallelism, boolean fsync) {
        PointCatalog catalog = new PointCatalog(store, layout);
        PointRef ref = catalog.select(REPO, "latest", null, clock.instant());
        return new Restorer(catalog, new Restorer.Options(parallelism, 1L << 20, fsync), clock, Threads.POOLS).restore(ref, target, RestoreProgress.NONE);
    }

    private static void assertRestored(Path target, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            assertThat(Files.readAllBytes(target.resolve(f.getKey()))).as(f.getKey()).isEqualTo(f.getValue());
        }
        try (Stream<Path> all = Files.walk(target)) {
            assertThat(all.filter(Files::isRegularFile).count()).as("files restored (+ README)").isEqualTo(files.size() + 1);
        }
        assertThat(RestoreJournal.stagingOf(target)).doesNotExist();
    }

    @Test
    void five_thousand_segments_restore_with_a_bounded_number_of_open_files_and_threads() throws IOException {
        Map<String, byte[]> files = putPoint(5_000);
        long fdsBefore = count(FDS);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int threadsBefore = threads.getThreadCount();
        AtomicInteger maxFds = new AtomicInteger();
        AtomicInteger maxThreads = new AtomicInteger();
        AtomicInteger maxRestoreThreads = new AtomicInteger();
        AtomicInteger gets = new AtomicInteger();
        ObjectReader watching = new DelegatingReader(memory) {
            @Override
            public InputStream get(String key, String versionId, long offset, long length) {
                maxFds.accumulateAndGet((int) count(FDS), Math::max);
                maxThreads.accumulateAndGet(threads.getThreadCount(), Math::max);
                if (gets.incrementAndGet() % 50 == 0) {
                    maxRestoreThreads.accumulateAndGet(restoreThreads(), Math::max);
                }
                return super.get(key, versionId, offset, length);
            }
        };

        Path target = tmp.resolve("restored");
        Restorer.Result r = restore(watching, target, 4, false); // 5,000 fsyncs would take this disk half a minute

        assertThat(r.segments()).isEqualTo(5_001);
        assertRestored(target, files);
        assertThat(maxFds.get() - fdsBefore).as("files open beyond those before the restore: the window of 8, journal, "
                + "lock, this listing, and what the JVM opens once (jars, random) - not one per segment").isLessThanOrEqualTo(32);
        assertThat(maxRestoreThreads.get()).as("download threads (pool of 4)").isBetween(1, 4);
        assertThat(maxThreads.get() - threadsBefore).as("threads beyond those before the restore (pool of 4, and whatever "
                + "the JVM starts on its own, such as a compiler thread)").isLessThanOrEqualTo(12);
        assertThat(count(FDS)).as("open files after the restore (the JVM may keep a jar it opened)").isLessThanOrEqualTo(fdsBefore + 2);
    }

    @Test
    void a_restore_that_failed_on_the_store_continues_where_it_stopped_and_keeps_only_what_it_verified() throws IOException {
        Map<String, byte[]> files = putPoint(300);
        AtomicInteger gets = new AtomicInteger();
        ObjectReader failingLater = new DelegatingReader(memory) {
            @Override
            public InputStream get(String key, String versionId, long offset, long length) {
                if (key.contains("/segments/") && gets.incrementAndGet() > 120) {
                    throw new StoreUnavailableException(key, "connection refused (test)", null);
                }
                return super.get(key, versionId, offset, length);
            }
        };
        Path target = tmp.resolve("restored");
        Path staging = RestoreJournal.stagingOf(target);

        assertThatThrownBy(() -> restore(failingLater, target, 2)).isInstanceOf(RestoreException.class)
                .hasMessageContaining("connection refused (test)").hasMessageContaining("kept in " + staging)
                .hasMessageContaining("run the same restore again to continue");
        assertThat(target).doesNotExist();
        List<String> journal = Files.readAllLines(staging.resolve("journal"));
        assertThat(journal).hasSizeBetween(100, 120);

        // what the next run must not trust: a journaled file changed since, a file the journal does not name, a stray file
        String changedName = journal.get(0).split(" ", 4)[3];
        Path changed = staging.resolve("repo").resolve(changedName);
        Files.write(changed, new byte[(int) Files.size(changed)]);
        Files.setLastModifiedTime(changed, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Path unjournaled = staging.resolve("repo/data/0/299");
        Files.write(unjournaled, files.get("data/0/299"), java.nio.file.StandardOpenOption.CREATE);
        Files.write(staging.resolve("repo/data/0/99999"), new byte[] {1, 2, 3});

        Restorer.Result r = restore(memory, target, 2);

        assertRestored(target, files);
        assertThat(r.keptFiles()).as("journaled files kept (all but the changed one)").isEqualTo(journal.size() - 1);
        assertThat(r.downloadedBytes()).isEqualTo(r.bytes() - r.keptBytes()).isLessThan(r.bytes());
        assertThat(r.keptBytes()).isEqualTo(journal.stream().skip(1).mapToLong(l -> Long.parseLong(l.split(" ")[1])).sum());
    }

    @Test
    void a_corrupt_object_fails_the_restore_and_removes_the_staging_directory() {
        putPoint(50);
        ObjectReader corrupting = new DelegatingReader(memory) {
            @Override
            public InputStream get(String key, String versionId, long offset, long length) {
                InputStream in = super.get(key, versionId, offset, length);
                if (!key.contains("/segments/" + BucketLayout.pad(30) + "/")) {
                    return in;
                }
                try (in) {
                    byte[] b = in.readAllBytes();
                    b[0] ^= 1;
                    return new java.io.ByteArrayInputStream(b);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        Path target = tmp.resolve("restored");

        assertThatThrownBy(() -> restore(corrupting, target, 2)).isInstanceOf(RestoreException.class)
                .hasMessageContaining("corrupt or tampered").hasMessageContaining("nothing was left at the target");
        assertThat(target).doesNotExist();
        assertThat(RestoreJournal.stagingOf(target)).doesNotExist();
    }

    private static int restoreThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("segvault-restore-")).count();
    }

    private static long count(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
