package io.segvault.agent.cli;

import io.segvault.core.restore.RestoreProgress;
import io.segvault.core.util.ThreadPools;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Restore progress, drawn by {@link Progress}: the download threads only add to a counter, so what is printed is
 * in order whatever order the threads finish in.
 */
public final class ProgressBar implements RestoreProgress, Progress.Counts {

    private final PrintWriter out;
    private final ProgressOptions options;
    private final AtomicLong done = new AtomicLong();
    private volatile long total = -1;
    private volatile int objects = -1;
    private Progress progress;
    private final ThreadPools pools;

    public ProgressBar(PrintWriter out, ProgressOptions options, ThreadPools pools) {
        this.out = out;
        this.options = options;
        this.pools = pools;
    }

    @Override
    public synchronized void started(int count, long bytes) {
        total = bytes;
        objects = count;
        if (options.mode(false) == Progress.Mode.LINES || options.mode(false) == Progress.Mode.TERMINAL) {
            out.println("downloading " + count + " objects, " + Progress.human(bytes));
            out.flush();
        }
        progress = Progress.start("restore", out, options, this, pools);
    }

    @Override
    public void advanced(long bytes) {
        done.addAndGet(bytes);
    }

    @Override
    public synchronized void finished() {
        if (progress != null) {
            progress.close(true);
        }
    }

    /** Stops the ticker of a restore that failed (no final line); harmless after {@link #finished()}. */
    public synchronized void stop() {
        if (progress != null) {
            progress.close();
        }
    }

    @Override
    public long bytes() {
        return done.get();
    }

    @Override
    public long objects() {
        return -1;
    }

    @Override
    public long totalBytes() {
        return total;
    }

    @Override
    public long totalObjects() {
        return objects;
    }
}
