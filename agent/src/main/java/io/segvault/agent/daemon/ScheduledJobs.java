package io.segvault.agent.daemon;

import io.segvault.agent.wiring.Wiring;
import io.segvault.core.config.AgentConfig;
import io.segvault.core.metrics.Meters;
import io.segvault.core.retention.RetentionKeeper;
import io.segvault.core.restore.Drill;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's timers: lock extension of live objects (checked every tenth of a generation, at most hourly,
 * so the first check of a new generation extends within that time), stale multipart cleanup (hourly),
 * the restore drill and the fence audit when configured. Every job catches its own failures.
 */
final class ScheduledJobs {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduledJobs.class);

    private final AgentConfig config;
    private final Clock clock;

    ScheduledJobs(AgentConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    void schedule(ScheduledExecutorService timers, Wiring w, Supplier<Map<String, Path>> repos) {
        long extendEvery = Math.max(1, Math.min(3600, config.retention().generation().toSeconds() / 10));
        timers.scheduleWithFixedDelay(() -> safely("lock extension", () -> extendAll(w, repos.get())), extendEvery, extendEvery,
                TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(() -> safely("stale multipart cleanup", () -> w.writer().abortStaleUploads(w.layout().prefix(),
                clock.instant().minus(Duration.ofHours(6)))), 1, 1, TimeUnit.HOURS);
        if (config.drill().enabled()) {
            long every = config.drill().interval().toSeconds();
            timers.scheduleWithFixedDelay(() -> safely("restore drill", () -> drillAll(w, repos.get())), every, every, TimeUnit.SECONDS);
        }
        if (config.audit().enabled()) {
            long every = config.audit().interval().toSeconds();
            AuditJob audit = new AuditJob(config.audit(), w.meters());
            timers.scheduleWithFixedDelay(() -> safely("fence audit", audit::run), 0, every, TimeUnit.SECONDS);
        }
    }

    private static void extendAll(Wiring w, Map<String, Path> repos) {
        RetentionKeeper keeper = w.retentionKeeper();
        repos.keySet().forEach(keeper::extend);
    }

    private void drillAll(Wiring w, Map<String, Path> repos) {
        Path scratch = config.drill().scratch() != null ? config.drill().scratch() : config.state().resolve("drill");
        Drill drill = new Drill(w.catalog(), w.restorer(4), scratch, clock, Duration.ofHours(6));
        for (String repo : repos.keySet()) {
            try {
                Drill.Result r = drill.run(repo);
                w.meters().count(Meters.DRILL_RUNS, 1, "repo", repo, "outcome", r.ok() ? "ok" : "failed");
                if (r.ok()) {
                    w.meters().gauge(Meters.DRILL_LAST_SUCCESS, r.at().getEpochSecond(), "repo", repo);
                    LOG.info("restore drill of {} transaction {}: borg check passed", repo, r.transaction());
                } else {
                    LOG.error("restore drill of {} transaction {} FAILED: borg check exit {}", repo, r.transaction(), r.borgExit());
                }
            } catch (RuntimeException e) {
                w.meters().count(Meters.DRILL_RUNS, 1, "repo", repo, "outcome", "error");
                LOG.error("restore drill of {} failed: {}", repo, e.getMessage());
            }
        }
    }

    private static void safely(String what, Runnable job) {
        try {
            job.run();
        } catch (RuntimeException e) {
            LOG.error("{} failed: {}", what, e.getMessage());
        }
    }
}
