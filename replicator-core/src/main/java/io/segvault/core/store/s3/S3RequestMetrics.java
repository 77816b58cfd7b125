package io.segvault.core.store.s3;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.http.HttpMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;

/**
 * Counts every HTTP request the SDK sends (each attempt, retries included) by S3 operation and outcome,
 * from the SDK's own per-call metrics. Published as {@value #METER} with tags {@code operation} (the S3
 * API name, e.g. PutObject, UploadPart) and {@code outcome} (success, client_error, throttled,
 * server_error, io_error).
 */
final class S3RequestMetrics implements MetricPublisher {

    static final String METER = "segvault.s3.requests";

    private final MeterRegistry registry;
    private final Map<String, LongAdder> byOperation = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final LongAdder readBack = new LongAdder();
    private final Counter readBackCounter;

    S3RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.readBackCounter = registry == null ? null : Counter.builder("segvault.store.readback.bytes")
                .description("Bytes of occupied keys read back and hashed to prove their content").register(registry);
    }

    @Override
    public void publish(MetricCollection call) {
        List<String> names = call.metricValues(CoreMetric.OPERATION_NAME);
        String operation = names.isEmpty() ? "unknown" : names.get(0);
        List<MetricCollection> attempts = call.childrenWithName("ApiCallAttempt").toList();
        if (attempts.isEmpty()) {
            record(operation, "io_error");
            return;
        }
        for (MetricCollection attempt : attempts) {
            record(operation, outcome(attempt));
        }
    }

    private void record(String operation, String outcome) {
        byOperation.computeIfAbsent(operation, k -> new LongAdder()).increment();
        if (registry != null) {
            counters.computeIfAbsent(operation + '\n' + outcome, k -> Counter.builder(METER)
                    .description("HTTP requests sent to S3, retries included")
                    .tag("operation", operation).tag("outcome", outcome)
                    .register(registry)).increment();
        }
    }

    static String outcome(MetricCollection attempt) {
        Integer status = statusCode(attempt);
        List<String> errors = attempt.metricValues(CoreMetric.ERROR_TYPE);
        String error = errors.isEmpty() ? null : errors.get(0);
        if (status == null) {
            return "Throttling".equals(error) ? "throttled" : "io_error";
        }
        if (status == 429 || status == 503 || "Throttling".equals(error)) {
            return "throttled";
        }
        if (status >= 500) {
            return "server_error";
        }
        return status >= 400 ? "client_error" : "success";
    }

    private static Integer statusCode(MetricCollection collection) {
        List<Integer> codes = collection.metricValues(HttpMetric.HTTP_STATUS_CODE);
        if (!codes.isEmpty()) {
            return codes.get(0);
        }
        for (MetricCollection child : collection.children()) {
            Integer code = statusCode(child);
            if (code != null) {
                return code;
            }
        }
        return null;
    }

    /** Bytes of existing objects read back to prove their content (keys occupied before segvault wrote them). */
    void countReadBack(long bytes) {
        readBack.add(bytes);
        if (readBackCounter != null) {
            readBackCounter.increment(bytes);
        }
    }

    long readBackBytes() {
        return readBack.sum();
    }

    /** HTTP requests sent for {@code operation} (S3 API name) since the store was created. */
    long count(String operation) {
        LongAdder adder = byOperation.get(operation);
        return adder == null ? 0 : adder.sum();
    }

    @Override
    public void close() {
        // counters stay registered; nothing to release
    }
}
