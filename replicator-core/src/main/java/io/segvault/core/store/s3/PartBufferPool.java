package io.segvault.core.store.s3;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The byte arrays parts are read into, shared by every upload of one store: at most {@code maxBuffers}
 * exist at once, so the store's heap use for bodies is bounded by {@code maxBuffers x bufferSize}
 * whatever the number and size of concurrent uploads. Buffers of the standard size are reused; a body of at most a
 * quarter of that size gets an array of its own size (still under a permit), so small objects never fill the pool.
 */
final class PartBufferPool {

    /** Bodies up to this fraction of a part buffer get an array of their own size, not a pooled buffer. */
    static final int SMALL_FRACTION = 4;

    private final int bufferSize;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<byte[]> free = new ConcurrentLinkedDeque<>();

    PartBufferPool(int bufferSize, int maxBuffers) {
        this.bufferSize = bufferSize;
        this.permits = new Semaphore(maxBuffers, true);
    }

    /**
     * Waits for a free buffer of at least {@code size} bytes; returns null when {@code giveUp} turns true first.
     *
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    byte[] acquire(int size, BooleanSupplier giveUp) throws InterruptedException {
        while (!permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
            if (giveUp.getAsBoolean()) {
                return null;
            }
        }
        if (size > bufferSize || size <= bufferSize / SMALL_FRACTION) {
            // exact: a body of a few hundred bytes (a segment of a repository with many small ones) must not pin a whole
            // part buffer; four upload threads kept 4 x 16 MiB of the heap for 50,000 such segments (issue 20)
            return new byte[size];
        }
        byte[] buffer = free.poll();
        return buffer != null ? buffer : new byte[bufferSize];
    }

    /** Returns a buffer taken with {@link #acquire}. */
    void release(byte[] buffer) {
        if (buffer.length == bufferSize) {
            free.push(buffer);
        }
        permits.release();
    }
}
