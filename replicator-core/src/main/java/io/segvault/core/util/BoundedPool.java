package io.segvault.core.util;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool of daemon threads whose queue holds at most {@code queued} tasks: {@code execute} on a full queue waits
 * for room instead of growing it. The upload pool is one: a pass hands it an upload per segment as fast as it hashes
 * them, so an unbounded queue held a task (and its futures) for every segment not yet uploaded, that is, for the whole
 * repository on an initial sync. After {@code shutdown} a waiting or new {@code execute} is rejected, as in any pool.
 */
public final class BoundedPool {

    private static final long RECHECK_MS = 100;

    private BoundedPool() {
    }

    /** {@code threads} threads named {@code name-<n>}, at most {@code queued} tasks waiting. */
    public static ExecutorService create(int threads, int queued, String name) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(queued), Threads.daemon(name));
        pool.setRejectedExecutionHandler((task, executor) -> waitForRoom(task, executor));
        return pool;
    }

    private static void waitForRoom(Runnable task, ThreadPoolExecutor executor) {
        try {
            while (!executor.isShutdown()) {
                if (executor.getQueue().offer(task, RECHECK_MS, TimeUnit.MILLISECONDS)) {
                    if (executor.isShutdown() && executor.getQueue().remove(task)) {
                        break;
                    }
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for room in the queue", e);
        }
        throw new RejectedExecutionException("the pool is shut down");
    }
}
