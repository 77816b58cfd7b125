package io.segvault.core.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Retention generations. Time is cut into generations of length G (counted from the Unix epoch). An
 * object written in a generation is locked until the end of that generation plus D, so every object of
 * one generation shares one date and every object is locked for at least D. Live objects (named by the
 * newest restore point, that point, repo.json) are extended once per generation to the current
 * generation's date, so a point stays restorable for at least D after it stops being the newest.
 *
 * @param duration   D, the minimum lock of every object (and the detection window of an attack)
 * @param generation G, how long one generation lasts
 */
public record RetentionPolicy(Duration duration, Duration generation) {

    public RetentionPolicy {
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(generation, "generation");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("retention.duration must be positive, got " + duration);
        }
        if (generation.isNegative() || generation.isZero()) {
            throw new IllegalArgumentException("retention.generation must be positive, got " + generation);
        }
        if (generation.getSeconds() < 1 || duration.getSeconds() < 1) {
            throw new IllegalArgumentException("retention.duration and retention.generation must be at least 1 second");
        }
        if (duration.compareTo(generation) < 0) {
            throw new IllegalArgumentException("retention.duration (" + duration + ") must not be shorter than "
                    + "retention.generation (" + generation + ")");
        }
    }

    /** Index of the generation that contains {@code t}. */
    public long generationOf(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), generation.getSeconds());
    }

    /** End of the generation that contains {@code t}. */
    public Instant generationEnd(Instant t) {
        return Instant.ofEpochSecond((generationOf(t) + 1) * generation.getSeconds());
    }

    /** The retain-until date for everything written (or extended) at {@code t}: end of its generation + D. */
    public Instant retainUntil(Instant t) {
        return generationEnd(t).plus(duration);
    }

    /** {@link #retainUntil(Instant)} for now. */
    public Instant retainUntil(Clock clock) {
        return retainUntil(clock.instant());
    }
}
