package io.segvault.core.restore;

import io.segvault.core.store.ObjectReader;
import io.segvault.core.store.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Downloads object versions into files: objects larger than one range are fetched as parallel ranged GETs
 * written by position; each range streams through a small buffer, so memory is bounded by the pool size,
 * not by object size. The SHA-256 is computed while the ranges arrive ({@link OrderedHasher}), so the file is
 * not read again; once the last range is in, the file's size and SHA-256 are checked against the restore
 * point. A failed range is retried from where it got to, so every byte of the file is written exactly once
 * and the digest covers exactly the bytes in the file.
 *
 * <p>With fsync and a writeback executor, a large file's bytes go to the disk while it still downloads: every
 * {@link #WRITEBACK_EVERY} bytes written, one {@code fdatasync} of the file runs on that executor. The file's own
 * fsync after its check then waits only for the last bytes, not for all of them at the end of the restore. That
 * fsync is what makes the file durable, as before; an error of an early one is kept and fails it.
 */
final class RangedDownloader {

    private static final int BUFFER = 256 * 1024;
    private static final int ATTEMPTS = 3;
    /** Bytes of one file written between two early writebacks. */
    static final long WRITEBACK_EVERY = 32L << 20;

    private final ObjectReader store;
    private final ExecutorService pool;
    private final long rangeSize;
    private final RestoreProgress progress;
    private final boolean fsync;
    private final Executor writeback;
    private final long writebackEvery;
    private volatile boolean cancelled;

    RangedDownloader(ObjectReader store, ExecutorService pool, long rangeSize, RestoreProgress progress) {
        this(store, pool, rangeSize, progress, Flush.NONE);
    }

    RangedDownloader(ObjectReader store, ExecutorService pool, long rangeSize, RestoreProgress progress, Flush flush) {
        this.store = store;
        this.pool = pool;
        this.rangeSize = Math.max(1 << 20, rangeSize);
        this.progress = progress;
        this.fsync = flush.fsync();
        this.writeback = flush.fsync() ? flush.writeback() : null;
        this.writebackEvery = flush.every();
    }

    /**
     * How downloaded files reach the disk.
     *
     * @param fsync     whether each file is fsynced once its SHA-256 checked out, before its future completes
     * @param writeback where early writebacks of large files run (with fsync); null: none, each file is fsynced whole
     * @param every     bytes of one file written between two early writebacks (tests use small files)
     */
    record Flush(boolean fsync, Executor writeback, long every) {
        static final Flush NONE = new Flush(false, null, WRITEBACK_EVERY);

        /** fsync of each file, with early writebacks on {@code writeback} when it is not null */
        static Flush fsync(Executor writeback) {
            return new Flush(true, writeback, WRITEBACK_EVERY);
        }
    }

    /** Makes every range still queued or running fail soon (at its next buffer) instead of downloading on. */
    void cancel() {
        cancelled = true;
    }

    /**
     * Starts the download of {@code d} into its (new) file. The file is open only from this call until the returned
     * future completes: when that is done, the file is closed, complete, checked (size and SHA-256) and, with fsync,
     * durable.
     */
    CompletableFuture<Void> fetch(Restorer.Download d) {
        FileChannel ch;
        try {
            ch = FileChannel.open(d.file(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new UncheckedIOException(e));
        }
        OrderedHasher hasher = new OrderedHasher(ch, d.file(), d.size(), rangeSize);
        Writeback early = new Writeback(ch, writeback, writebackEvery);
        CompletableFuture<?>[] ranges = new CompletableFuture<?>[hasher.ranges()];
        for (int k = 0; k < ranges.length; k++) {
            int range = k;
            ranges[k] = CompletableFuture.runAsync(() -> fetchRange(d, ch, hasher, early, range), pool);
        }
        return CompletableFuture.allOf(ranges)
                .thenRun(() -> {
                    check(d, hasher);
                    force(d, ch, early);
                })
                .whenComplete((v, e) -> {
                    early.await();
                    close(ch);
                });
    }

    private void fetchRange(Restorer.Download d, FileChannel ch, OrderedHasher hasher, Writeback early, int range) {
        for (int attempt = 1; ; attempt++) {
            stopIfCancelled(d);
            try {
                copy(d, ch, hasher, early, range);
                return;
            } catch (IOException | StoreUnavailableException e) {
                if (attempt >= ATTEMPTS) {
                    throw new DownloadFailedException("download of " + d.key() + " bytes " + hasher.start(range) + "-"
                            + (hasher.end(range) - 1)
                            + " failed " + ATTEMPTS + " times: " + e.getMessage(), e);
                }
            }
        }
    }

    /** Streams the rest of one range (from where an earlier attempt got to) into the file and the hasher. */
    private void copy(Restorer.Download d, FileChannel ch, OrderedHasher hasher, Writeback early, int range)
            throws IOException {
        long from = hasher.resumeAt(range);
        long end = hasher.end(range);
        long pos = from;
        byte[] buf = new byte[BUFFER];
        try (InputStream in = store.get(d.key(), d.versionId(), from, end - from)) {
            int n;
            while (pos < end && (n = in.readNBytes(buf, 0, (int) Math.min(buf.length, end - pos))) > 0) {
                stopIfCancelled(d);
                write(d, ch, buf, n, pos);
                hasher.written(range, buf, n, pos);
                early.wrote(n);
                pos += n;
                progress.advanced(n);
            }
        }
        if (pos != end) {
            throw new IOException("object " + d.key() + " ended after " + pos + " of " + end + " bytes (range from " + from + ")");
        }
    }

    private void stopIfCancelled(Restorer.Download d) {
        if (cancelled) {
            throw new RestoreException("download of " + d.key() + " stopped: the restore failed", null);
        }
    }

    private static void write(Restorer.Download d, FileChannel ch, byte[] buf, int length, long position) {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, length);
        try {
            while (bb.hasRemaining()) {
                ch.write(bb, position + bb.position());
            }
        } catch (IOException e) {
            // a local write failure (disk full, read-only) is not helped by downloading again
            throw new RestoreException("cannot write " + d.file() + ": " + e.getMessage(), e);
        }
    }

    private static void check(Restorer.Download d, OrderedHasher hasher) {
        long size;
        try {
            size = Files.size(d.file());
        } catch (IOException e) {
            throw new RestoreException("cannot read the size of " + d.file() + " (object " + d.key() + "): " + e, e);
        }
        if (size != d.size() || hasher.hashed() != d.size()) {
            throw new RestoreException("object " + d.key() + " version " + d.versionId() + " is " + size + " bytes; the restore "
                    + "point says " + d.size(), null);
        }
        String sha256 = hasher.sha256();
        if (!sha256.equals(d.sha256())) {
            throw new RestoreException("object " + d.key() + " version " + d.versionId() + " has SHA-256 " + sha256
                    + "; the restore point says " + d.sha256() + " (corrupt or tampered object)", null);
        }
    }

    private void force(Restorer.Download d, FileChannel ch, Writeback early) {
        if (!fsync) {
            return;
        }
        try {
            early.finish();
            ch.force(true);
        } catch (IOException e) {
            throw new RestoreException("cannot fsync " + d.file() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The early writebacks of one file: at most one at a time, one per {@code every} bytes written. Linux
     * reports a failed writeback once per open file, so the error of an early one is kept for the file's own fsync.
     */
    private static final class Writeback {
        private final FileChannel ch;
        private final Executor executor;
        private final long every;
        private long unflushed;
        private CompletableFuture<Void> running = CompletableFuture.completedFuture(null);
        private volatile IOException failure;

        Writeback(FileChannel ch, Executor executor, long every) {
            this.ch = ch;
            this.executor = executor;
            this.every = every;
        }

        synchronized void wrote(long bytes) {
            if (executor == null) {
                return;
            }
            unflushed += bytes;
            if (unflushed < every || !running.isDone()) {
                return;
            }
            unflushed = 0;
            try {
                running = CompletableFuture.runAsync(this::flush, executor);
            } catch (RejectedExecutionException e) {
                // the restore is ending: the file's own fsync writes everything
            }
        }

        private void flush() {
            try {
                ch.force(false);
            } catch (IOException e) {
                failure = e;
            }
        }

        /** Waits for the writeback under way; throws the error of any early writeback. */
        void finish() throws IOException {
            await();
            IOException f = failure;
            if (f != null) {
                throw f;
            }
        }

        /** Waits for the writeback under way (before the file is closed). */
        void await() {
            CompletableFuture<Void> r;
            synchronized (this) {
                r = running;
            }
            r.handle((ok, failed) -> null).join();
        }
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
