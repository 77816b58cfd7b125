package io.segvault.core.witness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Bytes per hour the witness may read back to hash objects: a token bucket that refills continuously up to one hour's
 * worth. An object larger than the whole budget is read when the bucket is full (it may run into debt), so every object
 * is checked eventually.
 */
final class ReadBudget {

    private final long perHour;
    private final Clock clock;
    private double tokens;
    private Instant last;

    ReadBudget(long perHour, Clock clock) {
        this.perHour = perHour;
        this.clock = clock;
        this.tokens = perHour;
        this.last = clock.instant();
    }

    /** Takes {@code bytes} if the budget allows it now. */
    synchronized boolean take(long bytes) {
        Instant now = clock.instant();
        double hours = Duration.between(last, now).toMillis() / 3_600_000.0;
        last = now;
        tokens = Math.min(perHour, tokens + Math.max(0, hours) * perHour);
        if (tokens >= bytes || tokens >= perHour) {
            tokens -= bytes;
            return true;
        }
        return false;
    }
}
