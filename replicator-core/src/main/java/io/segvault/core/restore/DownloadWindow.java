package io.segvault.core.restore;

import io.segvault.core.store.ObjectNotFoundException;
import io.segvault.core.store.ObjectStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The downloads of one restore, a bounded number at a time: at most {@code window} files are open and being
 * written, however many the point names (a point of 50,000 segments used to open all of them at once). The
 * caller's thread hands out the next file as soon as one is done; the pool's threads do the downloading, so
 * downloads still run {@code parallelism} at a time. {@link #close} stops what is still running after a failure
 * and waits until every file is closed, so the staging directory can be removed.
 */
final class DownloadWindow implements AutoCloseable {

    /** Called once a file is complete, checked, durable and closed (from a download thread). */
    interface Finished {
        void finished(Restorer.Download d) throws IOException;
    }

    private final ExecutorService pool;
    private final RangedDownloader downloader;
    private final int window;
    private final Semaphore slots;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    DownloadWindow(ExecutorService pool, RangedDownloader downloader, int window) {
        this.pool = pool;
        this.downloader = downloader;
        this.window = window;
        this.slots = new Semaphore(window);
    }

    /** Downloads every item, at most {@code window} files at once; returns when all are done or one failed. */
    void run(List<Restorer.Download> items, Finished finished) throws IOException {
        for (Restorer.Download d : items) {
            slots.acquireUninterruptibly();
            if (failure.get() != null) {
                slots.release();
                break;
            }
            downloader.fetch(d).thenRun(() -> {
                try {
                    finished.finished(d);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).whenComplete((v, e) -> {
                if (e != null && failure.compareAndSet(null, e)) {
                    downloader.cancel();
                }
                slots.release();
            });
        }
        drain();
        Throwable f = failure.get();
        if (f != null) {
            throw translate(f);
        }
    }

    private void drain() {
        slots.acquireUninterruptibly(window);
        slots.release(window);
    }

    @Override
    public void close() {
        downloader.cancel();
        drain();
        pool.shutdownNow();
    }

    /** The exception a failed download becomes; an IOException is thrown as is by {@link #run}. */
    private static RuntimeException translate(Throwable failure) throws IOException {
        Throwable c = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (c instanceof ObjectNotFoundException nf) {
            return new RestoreException("object " + nf.key() + " named by the restore point is missing from the bucket at "
                    + "that version: " + nf.getMessage(), nf);
        }
        if (c instanceof RestoreException re) {
            return re;
        }
        if (c instanceof ObjectStoreException ose) {
            return new DownloadFailedException("download of " + ose.key() + " failed: " + ose.getMessage(), ose);
        }
        if (c instanceof UncheckedIOException uio) {
            throw uio.getCause();
        }
        return new RestoreException("download failed: " + c, c);
    }
}
