package io.segvault.core.util;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A token bucket shared by all uploads: {@link #acquire(long)} blocks until the bytes may be sent.
 * Rate 0 means unlimited. Burst is one second's worth of bytes.
 */
public final class Throttle {

    private final long bytesPerSecond;
    private double tokens;
    private long last = System.nanoTime();

    public Throttle(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = bytesPerSecond;
    }

    public boolean unlimited() {
        return bytesPerSecond <= 0;
    }

    /** Blocks until {@code bytes} may pass. */
    public void acquire(long bytes) {
        if (unlimited() || bytes <= 0) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(bytesPerSecond, tokens + (now - last) * (bytesPerSecond / 1e9));
            last = now;
            tokens -= bytes;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens / bytesPerSecond * 1e9);
        }
        if (waitNanos > 0) {
            LockSupport.parkNanos(waitNanos);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Nanoseconds {@code bytes} take at this rate. */
    public long nanosFor(long bytes) {
        return unlimited() ? 0 : TimeUnit.SECONDS.toNanos(bytes) / bytesPerSecond;
    }
}
