package io.segvault.core.util;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread factory: named daemon threads ({@code <name>-1}, {@code <name>-2}, ...), and the pools built from it.
 * Only the wiring (and tests) use this class; every other part is handed its pool or a {@link ThreadPools}.
 */
public final class Threads {

    /** The pools of the process, all of daemon threads from {@link #daemon}. */
    public static final ThreadPools POOLS = new ThreadPools() {
        @Override
        public ExecutorService fixed(String name, int threads) {
            return Executors.newFixedThreadPool(threads, daemon(name));
        }

        @Override
        public ExecutorService bounded(String name, int threads, int queued) {
            return BoundedPool.create(threads, queued, name);
        }

        @Override
        public ExecutorService cached(String name) {
            return Executors.newCachedThreadPool(daemon(name));
        }

        @Override
        public ScheduledExecutorService scheduled(String name, int threads) {
            return Executors.newScheduledThreadPool(threads, daemon(name));
        }

        @Override
        public Thread thread(String name, Runnable task) {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        }
    };

    private Threads() {
    }

    /** A factory of daemon threads named {@code name-<n>}. */
    public static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A thread that is not a daemon (a signal handler's stop: the JVM waits for it). */
    public static Thread foreground(String name, Runnable task) {
        return new Thread(task, name);
    }
}
