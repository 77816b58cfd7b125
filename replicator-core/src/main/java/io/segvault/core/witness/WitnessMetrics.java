package io.segvault.core.witness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The witness's own metrics, the dead-man switch of the deployment: they are exported by the host that is not under
 * attack, and the ages grow on their own when the agent stops writing points or the witness stops attesting them
 * (names in docs/metrics.md; alert rules in docs/alerts/witness-rules.yml).
 */
public final class WitnessMetrics {

    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration detectionWindow;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private volatile Instant lastPass;

    public WitnessMetrics(MeterRegistry registry, Clock clock, Duration detectionWindow) {
        this.registry = registry;
        this.clock = clock;
        this.detectionWindow = detectionWindow;
        Gauge.builder("segvault.witness.pass.timestamp", this, m -> m.lastPass == null ? Double.NaN : m.lastPass.getEpochSecond())
                .baseUnit("seconds").description("Unix time of the last completed witness pass").register(registry);
    }

    /** Per-repository state behind the gauges. */
    private final class Repo {
        final String name;
        volatile Instant newestWritten;
        volatile Instant attestedWritten;
        volatile Instant horizon;
        volatile Double drillOk;
        volatile Instant drillAt;
        volatile int foreign;

        Repo(String name) {
            this.name = name;
            gauge("segvault.witness.point.age", "seconds", "Age of the newest restore point (server write time)",
                    () -> age(newestWritten));
            gauge("segvault.witness.attested.age", "seconds", "Age of the newest attested restore point (server write time)",
                    () -> age(attestedWritten));
            gauge("segvault.witness.lock.horizon", "seconds", "Earliest lock end among the objects of the newest attested point, "
                    + "from now", () -> horizon == null ? Double.NaN : Duration.between(clock.instant(), horizon).toSeconds());
            gauge("segvault.witness.detection.window", "seconds", "The configured detection window",
                    () -> (double) detectionWindow.toSeconds());
            gauge("segvault.witness.foreign.objects", null, "Foreign versions and keys under the repository prefix (last pass)",
                    () -> (double) foreign);
        }

        void gauge(String name, String unit, String help, java.util.function.DoubleSupplier value) {
            Gauge.builder(name, value, java.util.function.DoubleSupplier::getAsDouble).baseUnit(unit).description(help)
                    .tag("repo", this.name).strongReference(true).register(registry);
        }

        double age(Instant t) {
            return t == null ? Double.NaN : Duration.between(t, clock.instant()).toMillis() / 1000.0;
        }
    }

    private Repo repo(String name) {
        return repos.computeIfAbsent(name, Repo::new);
    }

    void newestPoint(String repo, Instant written) {
        repo(repo).newestWritten = written;
    }

    void attested(String repo, Instant written, Instant horizon) {
        Repo r = repo(repo);
        r.attestedWritten = written;
        r.horizon = horizon;
    }

    void refused(String repo, String reason) {
        Counter.builder("segvault.witness.points.refused").description("Restore points the witness refused to attest")
                .tag("repo", repo).tag("reason", reason).register(registry).increment();
    }

    void readBack(String repo, long bytes) {
        Counter.builder("segvault.witness.readback").baseUnit("bytes").description("Bytes read back and hashed by the witness")
                .tag("repo", repo).register(registry).increment(bytes);
    }

    void drill(String repo, boolean ok, Instant at) {
        Repo r = repo(repo);
        r.drillAt = at;
        if (r.drillOk == null) {
            r.drillOk = ok ? 1.0 : 0.0;
            r.gauge("segvault.witness.drill.success", null, "1 when the last drill passed, 0 when it failed",
                    () -> r.drillOk);
            r.gauge("segvault.witness.drill.timestamp", "seconds", "Unix time of the last drill",
                    () -> (double) r.drillAt.getEpochSecond());
        }
        r.drillOk = ok ? 1.0 : 0.0;
    }

    void foreign(String repo, int count) {
        repo(repo).foreign = count;
    }

    void passCompleted(Instant at) {
        lastPass = at;
    }

    /** Registers a repository's gauges before its first pass (so the ages read NaN, not absent). */
    public void watch(String repo) {
        repo(repo);
    }
}
