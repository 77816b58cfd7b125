package io.segvault.core.store;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An {@link ObjectStore} decorator that retries whole operations and stops calling an endpoint that keeps
 * failing. Only failures whose {@link ObjectStoreException#retryable()} is true (throttling, 5xx, timeouts,
 * I/O) are retried, with exponential backoff and jitter, and only they count against the circuit breaker;
 * access denied, misconfiguration, conflicts, integrity errors and missing objects pass through at once.
 * While the breaker is open every call fails fast with a {@link StoreUnavailableException}.
 * {@link ObjectStore#putOnce} is safe to repeat: a retry finds the version an earlier attempt wrote.
 * Metrics (resilience4j_retry_calls, resilience4j_circuitbreaker_*) are bound to the optional registry.
 */
public final class ResilientObjectStore implements ObjectStore {

    private final ObjectStore delegate;
    private final Retry retry;
    private final CircuitBreaker breaker;

    /** Decorates {@code delegate}; {@code meterRegistry} may be null. */
    public ResilientObjectStore(ObjectStore delegate, ResilienceConfig config, MeterRegistry meterRegistry) {
        this.delegate = delegate;
        String name = "store-" + delegate.bucket();
        RetryRegistry retries = RetryRegistry.of(RetryConfig.custom()
                .maxAttempts(config.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(config.initialBackoff(),
                        config.backoffMultiplier(), config.jitter(), config.maxBackoff()))
                .retryOnException(ResilientObjectStore::retryable)
                .build());
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(config.failureRateThreshold())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.slidingWindowSize())
                .minimumNumberOfCalls(config.minimumNumberOfCalls())
                .waitDurationInOpenState(config.openStateWait())
                .permittedNumberOfCallsInHalfOpenState(config.halfOpenCalls())
                .recordException(ResilientObjectStore::retryable)
                .build());
        this.retry = retries.retry(name);
        this.breaker = breakers.circuitBreaker(name);
        if (meterRegistry != null) {
            TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meterRegistry);
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meterRegistry);
        }
    }

    private static boolean retryable(Throwable e) {
        return e instanceof ObjectStoreException ose && ose.retryable();
    }

    /** The retry policy, for its metrics. */
    public Retry retry() {
        return retry;
    }

    /** The endpoint's circuit breaker, for its state and metrics. */
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    private <T> T run(String key, Supplier<T> call) {
        Supplier<T> guarded = Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call));
        try {
            return guarded.get();
        } catch (CallNotPermittedException e) {
            throw new StoreUnavailableException(key, "bucket " + delegate.bucket() + " is failing: the circuit breaker is "
                    + breaker.getState() + " after " + breaker.getMetrics().getFailureRate()
                    + "% of recent calls failed; not calling it now", e);
        }
    }

    @Override
    public String bucket() {
        return delegate.bucket();
    }

    @Override
    public StoredObject putOnce(PutRequest request) {
        // a later attempt may follow a write that landed: it must look before it writes again
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        return run(request.key(), () -> delegate.putOnce(first.getAndSet(false) ? request : request.withoutListing()));
    }

    @Override
    public Optional<StoredObject> head(String key) {
        return run(key, () -> delegate.head(key));
    }

    @Override
    public StoredObject head(String key, String versionId) {
        return run(key, () -> delegate.head(key, versionId));
    }

    /** Retries opening the stream; a failure while reading it is the caller's to handle. */
    @Override
    public InputStream get(String key, String versionId, long offset, long length) {
        return run(key, () -> delegate.get(key, versionId, offset, length));
    }

    @Override
    public List<ObjectVersion> listVersions(String prefix) {
        return run(null, () -> delegate.listVersions(prefix));
    }

    @Override
    public StoredObject extendRetention(String key, String versionId, Instant retainUntil) {
        return run(key, () -> delegate.extendRetention(key, versionId, retainUntil));
    }

    @Override
    public BucketStatus preflight() {
        return run(null, delegate::preflight);
    }

    @Override
    public int abortStaleUploads(String prefix, Instant initiatedBefore) {
        return run(null, () -> delegate.abortStaleUploads(prefix, initiatedBefore));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
