package io.segvault.core.store;

import java.time.Duration;

/**
 * Retry and circuit-breaker settings of a {@link ResilientObjectStore}, validated on construction.
 *
 * @param maxAttempts              attempts per operation, the first included (1 = no retry)
 * @param initialBackoff           wait before the second attempt
 * @param backoffMultiplier        growth of the wait per attempt (exponential backoff)
 * @param jitter                   randomization factor of each wait, 0 to 1 (0.5: between half and 1.5 times)
 * @param maxBackoff               longest wait between attempts
 * @param failureRateThreshold     percentage of failed calls (retryable failures only) that opens the breaker
 * @param slidingWindowSize        calls the failure rate is computed over
 * @param minimumNumberOfCalls     calls needed before the rate counts
 * @param openStateWait            how long the open breaker refuses calls before letting a few through
 * @param halfOpenCalls            calls let through while half-open to decide whether to close again
 */
public record ResilienceConfig(int maxAttempts, Duration initialBackoff, double backoffMultiplier, double jitter,
                               Duration maxBackoff, float failureRateThreshold, int slidingWindowSize,
                               int minimumNumberOfCalls, Duration openStateWait, int halfOpenCalls) {

    /** The production defaults (see docs/storage.md). */
    public static final ResilienceConfig DEFAULTS = new ResilienceConfig(3, Duration.ofSeconds(1), 2.0, 0.5,
            Duration.ofSeconds(30), 50f, 20, 10, Duration.ofSeconds(30), 2);

    public ResilienceConfig {
        check(maxAttempts >= 1 && maxAttempts <= 20, "maxAttempts must be between 1 and 20, got " + maxAttempts);
        check(initialBackoff != null && !initialBackoff.isNegative() && !initialBackoff.isZero(),
                "initialBackoff must be positive, got " + initialBackoff);
        check(maxBackoff != null && maxBackoff.compareTo(initialBackoff) >= 0,
                "maxBackoff (" + maxBackoff + ") must not be shorter than initialBackoff (" + initialBackoff + ")");
        check(backoffMultiplier >= 1.0, "backoffMultiplier must be at least 1, got " + backoffMultiplier);
        check(jitter >= 0 && jitter < 1, "jitter must be at least 0 and below 1, got " + jitter);
        check(failureRateThreshold > 0 && failureRateThreshold <= 100,
                "failureRateThreshold must be a percentage above 0, got " + failureRateThreshold);
        check(slidingWindowSize >= 1, "slidingWindowSize must be at least 1, got " + slidingWindowSize);
        check(minimumNumberOfCalls >= 1, "minimumNumberOfCalls must be at least 1, got " + minimumNumberOfCalls);
        check(openStateWait != null && !openStateWait.isNegative() && !openStateWait.isZero(),
                "openStateWait must be positive, got " + openStateWait);
        check(halfOpenCalls >= 1, "halfOpenCalls must be at least 1, got " + halfOpenCalls);
    }

    /** These settings with another retry policy. */
    public ResilienceConfig withRetry(int attempts, Duration initial, Duration max) {
        return new ResilienceConfig(attempts, initial, backoffMultiplier, jitter, max, failureRateThreshold,
                slidingWindowSize, minimumNumberOfCalls, openStateWait, halfOpenCalls);
    }

    /** These settings with another circuit breaker. */
    public ResilienceConfig withBreaker(float failureRate, int window, int minimumCalls, Duration openWait) {
        return new ResilienceConfig(maxAttempts, initialBackoff, backoffMultiplier, jitter, maxBackoff, failureRate,
                window, minimumCalls, openWait, halfOpenCalls);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
