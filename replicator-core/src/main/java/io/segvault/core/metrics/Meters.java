package io.segvault.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every segvault metric, defined in this one class (docs/metrics.md lists them; a test checks that a
 * scrape contains each documented name). Tags are low-cardinality: {@code repo}, {@code kind},
 * {@code outcome}, {@code severity}; never a segment number.
 */
public final class Meters {

    public static final String COMMITTED_TXN = "segvault.repo.committed.transaction";
    public static final String OFFSITE_TXN = "segvault.repo.offsite.transaction";
    public static final String OFFSITE_AGE = "segvault.repo.offsite.age";
    public static final String LAG = "segvault.repo.lag";
    public static final String PENDING_SEGMENTS = "segvault.repo.pending.segments";
    public static final String PENDING_BYTES = "segvault.repo.pending.bytes";
    public static final String REPO_UP = "segvault.repo.up";
    public static final String UPLOAD_BYTES = "segvault.upload.bytes";
    public static final String UPLOAD_OBJECTS = "segvault.upload.objects";
    public static final String UPLOAD_DURATION = "segvault.upload.duration";
    public static final String SKIPPED_OBJECTS = "segvault.upload.skipped";
    public static final String SYNC_RUNS = "segvault.sync.runs";
    public static final String SYNC_DURATION = "segvault.sync.duration";
    public static final String EARLIEST_RETAIN = "segvault.retention.earliest";
    public static final String RETENTION_EXTENSIONS = "segvault.retention.extensions";
    public static final String TAMPER_EVENTS = "segvault.tamper.events";
    public static final String DRILL_LAST_SUCCESS = "segvault.drill.last.success";
    public static final String DRILL_RUNS = "segvault.drill.runs";
    public static final String AUDIT_FINDINGS = "segvault.audit.findings";

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    public Meters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Meters on a private registry (CLI one-shots and tests that do not scrape). */
    public static Meters standalone() {
        return new Meters(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Sets a gauge (created on first use); values are longs (counts, ids, epoch seconds, seconds). */
    public void gauge(String name, long value, String... tags) {
        String id = name + String.join(",", tags);
        gauges.computeIfAbsent(id, k -> {
            AtomicLong holder = new AtomicLong();
            io.micrometer.core.instrument.Gauge.builder(name, holder, AtomicLong::doubleValue).tags(tags)
                    .description(describe(name)).register(registry);
            return holder;
        }).set(value);
    }

    /** Current value of a gauge set through {@link #gauge}, or null. */
    public Long gaugeValue(String name, String... tags) {
        AtomicLong v = gauges.get(name + String.join(",", tags));
        return v == null ? null : v.get();
    }

    public Counter counter(String name, String... tags) {
        return Counter.builder(name).tags(tags).description(describe(name)).register(registry);
    }

    public void count(String name, double amount, String... tags) {
        counter(name, tags).increment(amount);
    }

    public void time(String name, Duration d, String... tags) {
        Timer.builder(name).tags(tags).description(describe(name)).register(registry).record(d);
    }

    /** One-line description of each metric (also the source of docs/metrics.md's meaning column). */
    public static String describe(String name) {
        return switch (name) {
            case COMMITTED_TXN -> "Newest committed Borg transaction T seen in the repository";
            case OFFSITE_TXN -> "Transaction of the newest restore point offsite";
            case OFFSITE_AGE -> "Seconds since the newest restore point was written";
            case LAG -> "Seconds the newest commit has waited for its restore point (0 when offsite)";
            case PENDING_SEGMENTS -> "Committed segments not yet offsite";
            case PENDING_BYTES -> "Bytes of committed segments not yet offsite";
            case REPO_UP -> "1 when the last pass of the repository succeeded, 0 when it failed";
            case UPLOAD_BYTES -> "Bytes uploaded, by outcome";
            case UPLOAD_OBJECTS -> "Objects uploaded, by kind (segment, control, point) and outcome";
            case UPLOAD_DURATION -> "Time to upload and verify one object";
            case SKIPPED_OBJECTS -> "Objects found already offsite, by the layer that knew (point, cache, ledger)";
            case SYNC_RUNS -> "Replication passes, by outcome";
            case SYNC_DURATION -> "Wall time of one repository pass, by outcome and whether it uploaded anything";
            case EARLIEST_RETAIN -> "Earliest retain-until (epoch seconds) among the objects of the newest restore point";
            case RETENTION_EXTENSIONS -> "Retention extensions of live objects, by outcome";
            case TAMPER_EVENTS -> "Tamper events, by kind";
            case DRILL_LAST_SUCCESS -> "Epoch seconds of the last successful restore drill";
            case DRILL_RUNS -> "Restore drills, by outcome";
            case AUDIT_FINDINGS -> "SSH fence audit findings of the last run, by severity";
            default -> name;
        };
    }

    /** Every metric name this class defines, in documentation order. */
    public static java.util.List<String> all() {
        return java.util.List.of(COMMITTED_TXN, OFFSITE_TXN, OFFSITE_AGE, LAG, PENDING_SEGMENTS, PENDING_BYTES, REPO_UP,
                UPLOAD_BYTES, UPLOAD_OBJECTS, UPLOAD_DURATION, SKIPPED_OBJECTS, SYNC_RUNS, SYNC_DURATION,
                EARLIEST_RETAIN,
                RETENTION_EXTENSIONS, TAMPER_EVENTS, DRILL_LAST_SUCCESS, DRILL_RUNS, AUDIT_FINDINGS);
    }
}
