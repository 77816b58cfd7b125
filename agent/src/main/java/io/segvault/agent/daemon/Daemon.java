package io.segvault.agent.daemon;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.segvault.agent.wiring.Preflight;
import io.segvault.agent.wiring.RepoLocations;
import io.segvault.agent.wiring.StateLock;
import io.segvault.agent.wiring.Wiring;
import io.segvault.core.config.AgentConfig;
import io.segvault.core.config.RepoLocator;
import io.segvault.core.config.RepoResolver;
import io.segvault.core.follow.FollowerConfig;
import io.segvault.core.follow.PollingFollower;
import io.segvault.core.follow.RepositoryFollower;
import io.segvault.core.metrics.RepoMetrics;
import io.segvault.core.replicate.RepoStatus;
import io.segvault.core.replicate.RepositoryPass;
import io.segvault.core.replicate.StatusReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code segvault run}: follows every configured repository and replicates each commit within seconds;
 * rescans periodically; extends locks each generation; aborts stale multipart uploads; serves metrics and
 * health; runs the fence audit and restore drill on their schedules. One repository failing never stops
 * the others. {@link #stop(Duration)} lets passes finish within the grace time, then aborts them.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final AgentConfig config;
    private final Clock clock;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<Path, RepoWorker> workers = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private StateLock lock;
    private Wiring wiring;
    private RepositoryPass pass;
    private RepositoryFollower follower;
    private RepoLocations locations;
    private RepoNames names;
    private PollingFollower poller;
    private HttpEndpoint http;
    private ExecutorService passes;
    private ScheduledExecutorService timers;
    private final ScheduledJobs jobs;

    public Daemon(AgentConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.jobs = new ScheduledJobs(config, clock);
    }

    /** Starts everything; throws (and releases what it took) when preflight or the HTTP bind fails. */
    public synchronized void start() throws IOException {
        lock = StateLock.acquire(config.state());
        try {
            new JvmMemoryMetrics().bindTo(registry);
            new JvmGcMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            locations = RepoLocations.open(config);
            names = new RepoNames(config, locations);
            wiring = Wiring.forConfig(config, registry, clock);
            Preflight.checkBeforeWriting(wiring);
            pass = wiring.repositoryPass();
            passes = wiring.passPool(Math.max(2, Math.min(4, config.upload().concurrency())));
            timers = wiring.timerPool();
            if (config.metricsAddress() != null && !config.metricsAddress().isEmpty()) {
                http = new HttpEndpoint(config.metricsAddress(), registry, this::notReadyReason, wiring.httpPool());
                LOG.info("metrics on http://{}/metrics, health on /healthz and /readyz", config.metricsAddress());
            }
            startFollower();
            jobs.schedule(timers, wiring, this::repositories);
            LOG.info("segvault daemon started: {} repositories, bucket {}", followed().size(), config.store().bucket());
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startFollower() {
        List<Path> local = config.repos().stream().filter(r -> !r.remote()).map(r -> Path.of(r.location())).toList();
        List<String> localGlobs = config.globs().stream().filter(g -> !RepoLocator.isRemote(g)).toList();
        if (!local.isEmpty() || !localGlobs.isEmpty()) {
            FollowerConfig fc = new FollowerConfig(local, localGlobs, config.follow().rescanInterval(), config.follow().events(),
                    config.follow().debounce());
            follower = new RepositoryFollower(fc, (repo, trigger) -> worker(repo).trigger(), clock);
            follower.start(wiring.pools());
            follower.repositories().forEach(p -> worker(p).trigger());
        }
        if (config.pullMode()) {
            // no inotify on a remote host: a stat-only poll of every sftp:// repository (docs/pull-mode.md)
            poller = new PollingFollower(names::remote, config.follow().pollInterval(),
                    config.follow().rescanInterval(), (repo, trigger) -> worker(repo).trigger(),
                    repo -> failures.containsKey(names.of(repo)), clock);
            poller.start(wiring.pools());
        }
        long every = config.follow().rescanInterval().toMillis();
        timers.scheduleWithFixedDelay(this::checkUnfollowed, 0, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Configured repositories the follower does not follow (missing, unreadable, not Borg 1.x) get a pass too, so its
     * failure names them in /readyz, segvault_repo_up and status instead of leaving them out; failures of repositories
     * no longer configured are dropped.
     */
    private void checkUnfollowed() {
        try {
            Set<Path> followed = followed();
            Map<String, Path> configured = repositories();
            configured.values().stream().map(p -> p.toAbsolutePath().normalize()).filter(p -> !followed.contains(p))
                    .forEach(p -> worker(p).trigger());
            failures.keySet().removeIf(name -> !configured.containsKey(name));
        } catch (RuntimeException e) {
            LOG.warn("checking the repositories that are not followed failed: {}", e.getMessage());
        }
    }

    private RepoWorker worker(Path path) {
        return workers.computeIfAbsent(path.toAbsolutePath().normalize(), p -> {
            String name = names.of(p);
            return new RepoWorker(name, passes, () -> runPass(name, p), e -> failures.put(name, e.getMessage()));
        });
    }

    private void runPass(String name, Path path) {
        try {
            pass.run(name, path);
            failures.remove(name);
        } catch (RuntimeException e) {
            failures.put(name, String.valueOf(e.getMessage())); // before the status below, which reads it
            throw e;
        } finally {
            publishStatus(name, path);
        }
    }

    private void publishStatus(String name, Path path) {
        try {
            RepoStatus s = new StatusReader(wiring.ledger(), wiring.layout(), clock).read(name, path);
            RepoMetrics m = wiring.repoMetrics();
            if (s.committed() != null) {
                m.committedTransaction(name, s.committed());
            }
            if (s.offsite() != null) {
                m.offsiteTransaction(name, s.offsite());
                m.offsiteAge(name, Duration.between(s.offsiteAt(), clock.instant()).toSeconds());
            }
            m.pending(name, s.pendingSegments(), s.pendingBytes());
            m.lag(name, s.lagSeconds());
            m.up(name, !failures.containsKey(name) && s.problem() == null);
            if (s.earliestRetain() != null) {
                m.earliestRetain(name, s.earliestRetain());
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: cannot compute status: {}", name, e.getMessage());
            wiring.repoMetrics().up(name, false); // e.g. the repository cannot be read
        }
    }

    private Set<Path> followed() {
        Set<Path> out = new java.util.HashSet<>();
        if (follower != null) {
            out.addAll(follower.repositories());
        }
        if (poller != null) {
            out.addAll(poller.repositories());
        }
        return out;
    }

    Map<String, Path> repositories() {
        Map<String, Path> out = new java.util.LinkedHashMap<>(RepoResolver.resolveLocal(config));
        names.remoteNames().forEach((path, name) -> out.putIfAbsent(name, path));
        followed().forEach(p -> out.putIfAbsent(names.of(p), p));
        return out;
    }

    private String notReadyReason() {
        if (failures.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        failures.forEach((repo, why) -> sb.append(repo).append(": ").append(why).append('\n'));
        return sb.toString().strip();
    }

    /** The port /metrics listens on (tests bind port 0). */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** Blocks until {@link #stop} ran. */
    public void await() throws InterruptedException {
        stopped.await();
    }

    /** Stops following, lets running passes finish for up to {@code grace}, then aborts them (uploads are aborted). */
    public synchronized void stop(Duration grace) {
        LOG.info("stopping (grace {} s)", grace.toSeconds());
        if (follower != null) {
            follower.close();
        }
        if (poller != null) {
            poller.close();
        }
        workers.values().forEach(RepoWorker::stop);
        if (timers != null) {
            timers.shutdownNow();
        }
        if (passes != null) {
            passes.shutdown();
            try {
                if (!passes.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("passes still running after {} s; aborting them", grace.toSeconds());
                    passes.shutdownNow();
                    if (wiring != null) {
                        wiring.stopUploads(); // a pass waits for its uploads without noticing the interrupt
                    }
                    passes.awaitTermination(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
        stopped.countDown();
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
            http = null;
        }
        if (follower != null) {
            follower.close();
        }
        if (passes != null) {
            passes.shutdownNow();
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        if (wiring != null) {
            wiring.close();
            wiring = null;
        }
        if (poller != null) {
            poller.close();
        }
        if (locations != null) {
            locations.close();
            locations = null;
        }
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }
}
