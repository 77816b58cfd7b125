package io.segvault.core.util;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Where a part that needs threads gets them: the wiring hands one in ({@link Threads#POOLS}), so no class starts a pool
 * of its own and the ArchUnit rules can hold pool creation to the wiring. Every thread is a named daemon thread.
 */
public interface ThreadPools {

    /** A pool of {@code threads} threads named {@code name-<n>}. */
    ExecutorService fixed(String name, int threads);

    /** {@code threads} threads, at most {@code queued} tasks waiting: {@code execute} on a full queue waits for room. */
    ExecutorService bounded(String name, int threads, int queued);

    /** A pool that grows with the work and lets idle threads go. */
    ExecutorService cached(String name);

    /** A timer pool of {@code threads} threads. */
    ScheduledExecutorService scheduled(String name, int threads);

    /** One thread (not started) running {@code task}. */
    Thread thread(String name, Runnable task);
}
