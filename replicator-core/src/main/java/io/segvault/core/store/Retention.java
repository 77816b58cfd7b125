package io.segvault.core.store;

import java.time.Instant;
import java.util.Objects;

/**
 * The lock segvault asks for: always COMPLIANCE in production, with an explicit date.
 *
 * @param mode        lock mode
 * @param retainUntil end of the lock; whole seconds (S3 keeps second precision)
 */
public record Retention(LockMode mode, Instant retainUntil) {

    public Retention {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(retainUntil, "retainUntil");
        if (mode == LockMode.NONE) {
            throw new IllegalArgumentException("a retention needs a lock mode");
        }
        retainUntil = retainUntil.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    public static Retention compliance(Instant retainUntil) {
        return new Retention(LockMode.COMPLIANCE, retainUntil);
    }

    /** True when an object locked with {@code mode}/{@code until} is at least as protected as this asks. */
    public boolean satisfiedBy(LockMode actualMode, Instant actualUntil) {
        return actualMode == mode && actualUntil != null && !actualUntil.isBefore(retainUntil);
    }
}
