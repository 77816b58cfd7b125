package io.segvault.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvault.core.store.memory.InMemoryObjectStore;
import io.segvault.test.TestData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ResilientObjectStoreTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final ResilienceConfig FAST = ResilienceConfig.DEFAULTS
            .withRetry(3, Duration.ofMillis(1), Duration.ofMillis(5));

    private InMemoryObjectStore memory;
    private SimpleMeterRegistry meters;
    private ResilientObjectStore store;

    @BeforeEach
    void setUp() {
        memory = new InMemoryObjectStore("bkt", Clock.fixed(NOW, ZoneOffset.UTC));
        meters = new SimpleMeterRegistry();
        store = new ResilientObjectStore(memory, FAST, meters);
    }

    private static PutRequest request() {
        byte[] data = TestData.bytes(1, 100);
        return new PutRequest("k", ObjectSource.ofBytes(data), TestData.sha256(data),
                Retention.compliance(NOW.plus(Duration.ofDays(1))));
    }

    @Test
    void retryable_failures_are_retried_up_to_the_configured_attempts() {
        memory.failNextCalls(2, new StoreUnavailableException("k", "503 SlowDown", null));
        StoredObject put = store.putOnce(request());

        assertThat(put.lockMode()).isEqualTo(LockMode.COMPLIANCE);
        assertThat(memory.putCount()).isEqualTo(1);
        assertThat(store.retry().getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
        assertThat(meters.get("resilience4j.retry.calls").tag("kind", "successful_with_retry").functionCounter().count())
                .isEqualTo(1.0);
    }

    @Test
    void the_last_retryable_failure_surfaces_after_max_attempts() {
        memory.failNextCalls(3, new StoreUnavailableException("k", "503 SlowDown", null));
        assertThatThrownBy(() -> store.head("k")).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.retry().getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
        assertThat(store.head("k")).as("the fourth call reaches the store again").isEmpty();
    }

    static Stream<ObjectStoreException> fatal() {
        return Stream.of(new StoreAccessDeniedException("k", "403", null),
                new BucketMisconfiguredException("k", "no lock", null),
                new ObjectConflictException("k", "different bytes", null),
                new IntegrityException("k", "wrong size", null),
                new ObjectNotFoundException("k", "gone", null));
    }

    @ParameterizedTest
    @MethodSource("fatal")
    void non_retryable_failures_are_never_retried_and_do_not_open_the_breaker(ObjectStoreException failure) {
        memory.failNextCalls(2, failure);
        assertThatThrownBy(() -> store.head("k", "1")).isSameAs(failure);
        assertThatThrownBy(() -> memory.head("k")).as("the second failure was not used by a retry").isSameAs(failure);
        assertThat(store.head("k")).isEmpty();
        assertThat(store.retry().getMetrics().getNumberOfFailedCallsWithoutRetryAttempt()).isEqualTo(1);
        assertThat(store.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void the_breaker_opens_on_repeated_unavailability_and_then_fails_fast() {
        ResilientObjectStore guarded = new ResilientObjectStore(memory,
                FAST.withRetry(1, Duration.ofMillis(1), Duration.ofMillis(1))
                        .withBreaker(50f, 4, 4, Duration.ofMinutes(5)), null);
        memory.failNextCalls(4, new StoreUnavailableException(null, "down", null));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> guarded.listVersions("")).isInstanceOf(StoreUnavailableException.class);
        }
        assertThat(guarded.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);

        Supplier<Object> call = () -> guarded.preflight();
        assertThatThrownBy(call::get).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("circuit breaker is OPEN").hasMessageContaining("bkt");
        assertThat(memory.preflight().problems()).as("the store itself was not called while open").isEmpty();
    }

    @Test
    void a_retried_put_looks_for_the_key_again_even_when_the_caller_listed_it_absent() {
        java.util.List<PutRequest> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        ObjectStore recording = (ObjectStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("putOnce")) {
                        seen.add((PutRequest) args[0]);
                        if (seen.size() == 1) {
                            throw new StoreUnavailableException("k", "connection reset after the body was sent", null);
                        }
                    }
                    return method.getName().equals("bucket") ? "b" : method.invoke(memory, args);
                });
        ResilientObjectStore guarded = new ResilientObjectStore(recording, FAST, null);
        byte[] data = "listed".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        guarded.putOnce(new PutRequest("k", ObjectSource.ofBytes(data), TestData.sha256(data),
                Retention.compliance(NOW.plusSeconds(3600)), true));

        assertThat(seen).extracting(PutRequest::listedAbsent).containsExactly(true, false);
    }
}
