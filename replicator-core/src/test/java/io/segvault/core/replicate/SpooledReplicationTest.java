package io.segvault.core.replicate;

import io.segvault.core.borg.TestHashes;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvault.test.PassAssembly;
import io.segvault.core.borg.FakeRepo;
import io.segvault.core.borg.LocalSpoolReader;
import io.segvault.core.borg.SegmentHashes;
import io.segvault.core.borg.SegmentReader;
import io.segvault.core.borg.SegmentSpool;
import io.segvault.core.borg.TamperDetector;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.metrics.Meters;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.store.ObjectVersion;
import io.segvault.core.store.memory.InMemoryObjectStore;
import io.segvault.test.ShiftableClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication through the pull-mode spool, on a hand-made repository whose files the spool treats as remote: uploads
 * read the copy the hashing read made, every copy is gone after the pass, and a copy corrupted on the local disk
 * between the read and the upload is caught by the upload's hash check (nothing wrong goes offsite; the segment is
 * uploaded again from the repository). The upload pool is wrapped so the test acts exactly between the two.
 */
class SpooledReplicationTest {

    private static final String REPO = "r";
    private static final RetentionPolicy ONE_DAY = new RetentionPolicy(Duration.ofDays(2), Duration.ofDays(1));
    @TempDir
    Path tmp;

    private final ShiftableClock clock = new ShiftableClock();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    /** Runs before each upload task: what happens to the disk between the hashing read and the upload. */
    private Runnable beforeUpload = () -> { };
    private final LocalSpoolReader reader = new LocalSpoolReader();
    private final Meters meters = new Meters(new SimpleMeterRegistry());
    private FakeRepo fake;
    private Ledger ledger;
    private InMemoryObjectStore store;
    private SegmentSpool spool;
    private RepositoryPass pass;

    @BeforeEach
    void wire() {
        fake = FakeRepo.create(tmp.resolve("repo"), 1000);
        for (int n = 0; n < 6; n++) {
            fake.dataSegment(n, 3, 20_000);
        }
        fake.commit(6, LongStream.range(0, 6).boxed().toList());
        ledger = Ledger.open(tmp.resolve("state"));
        store = new InMemoryObjectStore("b", clock);
        spool = SegmentSpool.open(tmp.resolve("spool"), 1 << 20, reader);
        BucketLayout layout = new BucketLayout("borg/");
        TamperDetector detector = new TamperDetector(ledger.segmentCatalog(), clock, 0.5, TestHashes.create(spool));
        pass = new PassAssembly(store, ledger, layout, ONE_DAY, meters, clock, 1000)
                .pass(detector, new HookedPool(pool), tmp.resolve("scratch"));
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        ledger.close();
    }

    /** The upload pool, running {@link #beforeUpload} first in each task. */
    private final class HookedPool extends AbstractExecutorService {
        private final ExecutorService inner;

        HookedPool(ExecutorService inner) {
            this.inner = inner;
        }

        @Override
        public void execute(Runnable task) {
            inner.execute(() -> {
                beforeUpload.run();
                task.run();
            });
        }

        @Override
        public void shutdown() {
            inner.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return inner.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return inner.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return inner.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return inner.awaitTermination(timeout, unit);
        }
    }

    private List<Path> spoolFiles() {
        try (Stream<Path> files = Files.list(tmp.resolve("spool"))) {
            return files.filter(p -> p.toString().endsWith(".spool")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Flips one byte of a spool copy in place. Never creates the file: a copy released between the listing and this call
     * is gone (a {@code RandomAccessFile} in "rw" mode would create an empty stray file the spool knows nothing of).
     */
    private static void flipByte(Path file, long at) {
        try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            if (f.read(b, at) == 1) {
                b.put(0, (byte) (b.get(0) ^ 0xff));
                b.rewind();
                f.write(b, at);
            }
        } catch (NoSuchFileException e) {
            // released meanwhile: nothing to corrupt
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String offsiteSha256(long segment) {
        String prefix = "borg/" + REPO + "/";
        ObjectVersion v = store.listVersions(prefix).stream()
                .filter(o -> o.key().matches(".*/segments/0*" + segment + "/[0-9a-f]{64}$")).findFirst().orElseThrow();
        try (InputStream in = store.get(v.key(), v.versionId(), 0, -1)) {
            Path out = Files.write(tmp.resolve("fetched-" + segment), in.readAllBytes());
            return SegmentReader.hash(out).sha256();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void uploads_read_the_copy_the_hashing_read_made_and_the_spool_is_empty_afterwards() throws IOException {
        // the spool reads the segments' bytes from a "server" directory; the repository's own files have the same
        // sizes and other bytes, so an upload that read them instead of the copy would fail the hash check
        Path mirror = tmp.resolve("server");
        Files.createDirectories(mirror);
        try (Stream<Path> files = Files.list(fake.segmentPath(0).getParent())) {
            for (Path segment : files.toList()) {
                Files.copy(segment, mirror.resolve(segment.getFileName().toString()));
            }
        }
        for (long n = 0; n < 6; n++) {
            Files.write(fake.segmentPath(n), new byte[(int) Files.size(fake.segmentPath(n))]);
        }
        reader.serveFrom(p -> p.startsWith(fake.dir().resolve("data")) ? mirror.resolve(p.getFileName().toString()) : p);

        SyncResult r = pass.run(REPO, fake.dir());

        assertThat(r.pointWritten()).isTrue();
        for (long n = 0; n < 6; n++) {
            assertThat(offsiteSha256(n)).isEqualTo(SegmentReader.hash(mirror.resolve(Long.toString(n))).sha256());
        }
        assertThat(uploadErrors()).isZero();
        assertThat(spoolFiles()).isEmpty();
        assertThat(spool.used()).isZero();
    }

    private double uploadErrors() {
        var counter = meters.registry().find(Meters.UPLOAD_OBJECTS).tag("outcome", "error").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void a_copy_corrupted_between_the_read_and_the_upload_is_caught_by_the_hash_check_and_never_goes_offsite() {
        AtomicInteger corrupted = new AtomicInteger();
        beforeUpload = () -> spoolFiles().forEach(f -> {
            flipByte(f, 100);
            corrupted.incrementAndGet();
        });

        SyncResult r = pass.run(REPO, fake.dir());

        assertThat(corrupted).as("copies were corrupted before their upload").hasPositiveValue();
        assertThat(uploadErrors()).as("uploads refused by the hash check").isPositive();
        assertThat(r.pointWritten()).isTrue();
        for (long n = 0; n < 6; n++) {
            assertThat(offsiteSha256(n)).as("segment %d offsite", n).isEqualTo(SegmentReader.hash(fake.segmentPath(n)).sha256());
        }
        // a copy the failed attempt's read-ahead was still writing is removed when that write ends, which may be after the pass
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(spoolFiles()).isEmpty();
            assertThat(spool.used()).isZero();
        });
    }
}
