package io.segvault.agent.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.segvault.agent.wiring.Wiring;
import io.segvault.core.restore.Drill;
import io.segvault.core.restore.RestoreException;
import io.segvault.core.store.IntegrityException;
import io.segvault.core.store.ObjectStoreException;
import io.segvault.core.witness.PointWitness;
import io.segvault.core.witness.Verdict;
import io.segvault.core.witness.WitnessConfig;
import io.segvault.core.witness.WitnessMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code segvault witness}: one pass over every watched repository per interval, verdicts signed and locked, metrics on
 * {@code /metrics}. A repository whose pass fails (the bucket unreachable, a point unreadable) is logged and retried on the
 * next pass; its ages keep growing on {@code /metrics}, which is what the alerts watch.
 */
public final class WitnessDaemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WitnessDaemon.class);

    private final WitnessConfig config;
    private final Clock clock;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Wiring wiring;
    private final PointWitness witness;
    private final Map<String, String> failing = new ConcurrentHashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private HttpEndpoint http;

    /** What one round over every repository did. */
    public record Round(List<PointWitness.Pass> passes, List<String> failures) {

        public long refused() {
            return passes.stream().flatMap(p -> p.verdicts().stream()).filter(v -> !v.attested()).count();
        }
    }

    public WitnessDaemon(WitnessConfig config, KeyPair key, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.wiring = Wiring.forWitness(config, registry, clock);
        WitnessMetrics metrics = new WitnessMetrics(registry, clock, config.detectionWindow());
        Drill drill = new Drill(wiring.catalog(), wiring.restorer(8), config.drillScratch(), clock, config.drillTimeout());
        this.witness = new PointWitness(wiring.catalog(), wiring.writer(), key, config.state(), ref -> {
            try {
                Drill.Result r = drill.run(ref);
                LOG.info("drill {} transaction {}: borg check exit {}", ref.repo(), ref.transaction(), r.borgExit());
                return new Verdict.DrillCheck(r.at(), r.ok(), r.archivesChecked(), r.borgExit(), r.ok() ? null : r.borgOutput());
            } catch (RestoreException e) {
                // a point that cannot be restored fails its drill; an unreachable bucket or a full scratch disk is not the
                // point's fault (the pass fails and is retried)
                if (e.getCause() instanceof ObjectStoreException && !(e.getCause() instanceof IntegrityException)
                        || e.getCause() instanceof IOException) {
                    throw e;
                }
                LOG.warn("drill {} transaction {}: {}", ref.repo(), ref.transaction(), e.getMessage());
                return new Verdict.DrillCheck(clock.instant(), false, false, -1, e.getMessage());
            }
        }, metrics, clock, config.checks());
    }

    /** Serves /metrics, /healthz and /readyz; returns the port. */
    public int serve() {
        if (config.metricsAddress() == null || config.metricsAddress().isEmpty()) {
            return -1;
        }
        try {
            http = new HttpEndpoint(config.metricsAddress(), registry, () -> failing.isEmpty() ? null
                    : "failing: " + String.join("; ", failing.values()), wiring.httpPool());
            return http.port();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + config.metricsAddress() + " (metrics.address)", e);
        }
    }

    /** One pass over every repository. */
    public Round round() {
        List<PointWitness.Pass> passes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String repo : config.repos()) {
            try {
                PointWitness.Pass p = witness.pass(repo);
                failing.remove(repo);
                passes.add(p);
                for (Verdict v : p.verdicts()) {
                    if (v.attested()) {
                        LOG.info("attested {} transaction {} ({}): {}", repo, v.transaction(), v.pointKey(), v.detail());
                    } else {
                        LOG.warn("REFUSED {} transaction {} ({} version {}): {}: {}", repo, v.transaction(), v.pointKey(),
                                v.pointVersionId(), v.reason(), v.detail());
                    }
                }
                if (p.waiting() != null) {
                    LOG.info("{}: waiting: {}", repo, p.waiting());
                }
            } catch (RuntimeException e) {
                String m = repo + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
                failing.put(repo, m);
                failures.add(m);
                LOG.error("witness pass failed for {}", m, e);
            }
        }
        witness.passCompleted();
        return new Round(passes, failures);
    }

    /** Runs rounds every interval until {@link #stop()}. */
    public void runUntilStopped() throws InterruptedException {
        try {
            Duration every = config.interval();
            do {
                round();
            } while (!stop.await(every.toMillis(), TimeUnit.MILLISECONDS));
        } finally {
            stopped.countDown();
        }
    }

    /** Asks the loop to end after the current pass and waits for it (at most {@code grace}). */
    public void stop(Duration grace) {
        stop.countDown();
        try {
            stopped.await(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        witness.close();
        wiring.close();
    }
}
