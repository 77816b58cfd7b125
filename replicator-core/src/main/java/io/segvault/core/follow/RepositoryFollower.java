package io.segvault.core.follow;

import io.segvault.core.borg.BorgRepository;
import io.segvault.core.borg.BorgRepositoryException;
import io.segvault.core.util.ThreadPools;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows many Borg repositories and says when one may have a new committed transaction.
 *
 * <p>Repositories are the directories in {@link FollowerConfig#repos()} plus those matching
 * {@link FollowerConfig#globs()} that {@link BorgRepository#open} accepts; directories created later are picked up
 * (through events on the glob's parent directories, and by every rescan). The listener is told:
 * <ul>
 *   <li>{@link Trigger#DISCOVERED} once for every repository found at {@link #start} or later;</li>
 *   <li>{@link Trigger#EVENT} shortly after borg renames an {@code index.N} into the repository root (the last step
 *       of every commit), or after the event queue overflowed; a burst of commits within the debounce time becomes
 *       one call, at most {@code debounce} after the first;</li>
 *   <li>{@link Trigger#RESCAN} for every repository every {@code rescanInterval}, so a lost event, an overflow or a
 *       file system without events never hides a commit for longer than that.</li>
 * </ul>
 * Calls are made one at a time on one notifier thread, so a listener should hand long work to its own threads; an
 * exception from the listener is logged and does not stop the follower. Nothing is written anywhere. All threads
 * are daemon threads named {@code segvault-follow-*}; {@link #close()} stops them.
 */
public final class RepositoryFollower implements AutoCloseable {

    /** Receives change notifications. */
    public interface Listener {
        /** {@code repo} (absolute, normalised directory) may have a new committed transaction. */
        void changed(Path repo, Trigger trigger);
    }

    /** Why the listener is called. */
    public enum Trigger { EVENT, RESCAN, DISCOVERED }

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryFollower.class);
    private static final Pattern INDEX = Pattern.compile("index\\.\\d+");
    private static final long STOP_WAIT_SECONDS = 5;

    private final FollowerConfig config;
    private final Listener listener;
    private final Clock clock;
    private final List<RepoGlob> globs;
    /** A followed repository and its watch key (null when followed without events). */
    private record Followed(WatchKey key) {
    }

    private final Map<Path, Followed> repos = new ConcurrentHashMap<>();
    private final Set<Path> configured;
    private final Set<Path> pending = ConcurrentHashMap.newKeySet();
    private final Map<Path, String> reported = new ConcurrentHashMap<>();
    private final Object discoveryLock = new Object();
    private final DirectoryWatch watch;
    private ScheduledExecutorService timer;
    private ExecutorService notifier;
    private volatile boolean closed;
    private volatile Instant lastRescan;

    public RepositoryFollower(FollowerConfig config, Listener listener, Clock clock) {
        this.config = config;
        this.listener = listener;
        this.clock = clock;
        this.globs = config.globs().stream().map(RepoGlob::new).toList();
        this.configured = config.repos().stream().map(p -> p.toAbsolutePath().normalize())
                .collect(Collectors.toUnmodifiableSet());
        this.watch = new DirectoryWatch(this::created, this::overflowed, config.rescanInterval());
    }

    /**
     * Finds the repositories (each gets a {@code DISCOVERED} call), starts watching and schedules the rescans.
     *
     * @throws IllegalStateException when called twice or after {@link #close()}
     * @throws UncheckedIOException when the file system's watch service cannot be created
     */
    public synchronized void start(ThreadPools pools) {
        if (timer != null || closed) {
            throw new IllegalStateException("follower already started or closed");
        }
        timer = pools.scheduled("segvault-follow-timer", 1);
        notifier = pools.fixed("segvault-follow-notify", 1);
        if (config.useEvents()) {
            watch.start(pools);
        }
        discover();
        long period = config.rescanInterval().toMillis();
        timer.scheduleWithFixedDelay(this::rescan, period, period, TimeUnit.MILLISECONDS);
    }

    /** The repositories known now (absolute, normalised directories). */
    public Set<Path> repositories() {
        return Set.copyOf(repos.keySet());
    }

    /** When the last full rescan finished, by the injected clock; empty before the first. */
    public Optional<Instant> lastRescan() {
        return Optional.ofNullable(lastRescan);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        watch.close();
        for (ExecutorService executor : new ExecutorService[] {timer, notifier}) {
            if (executor != null) {
                executor.shutdownNow();
                awaitQuietly(executor);
            }
        }
    }

    private static void awaitQuietly(ExecutorService executor) {
        try {
            executor.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rescan() {
        try {
            Set<Path> before = repositories();
            discover();
            for (Path repo : before) {
                if (repos.containsKey(repo)) {
                    notify(repo, Trigger.RESCAN);
                }
            }
            lastRescan = clock.instant();
        } catch (RuntimeException e) {
            LOG.warn("rescan of the followed repositories failed; trying again in {}", config.rescanInterval(), e);
        }
    }

    /** (With events) watches where new repositories may appear, then adds new repositories and drops vanished ones. */
    private void discover() {
        synchronized (discoveryLock) {
            if (watch.active()) {
                globs.forEach(g -> g.parents().forEach(watch::watch));
            }
            Set<Path> found = new LinkedHashSet<>(configured);
            globs.forEach(g -> found.addAll(g.expand()));
            for (Path dir : found) {
                if (!repos.containsKey(dir)) {
                    consider(dir);
                }
            }
            for (Path repo : repositories()) {
                if (!found.contains(repo) || !Files.isRegularFile(repo.resolve("config"))) {
                    forget(repo);
                }
            }
        }
    }

    /**
     * Adds {@code dir} when it is a Borg repository now; otherwise watches it for one to appear. The watch is
     * registered before the check, so a {@code config} created in between is not missed.
     */
    private void consider(Path dir) {
        synchronized (discoveryLock) {
            if (closed || repos.containsKey(dir)) {
                return;
            }
            WatchKey key = Files.isDirectory(dir) ? watch.watch(dir) : null;
            try {
                BorgRepository.open(dir);
            } catch (BorgRepositoryException e) {
                if (!e.getMessage().equals(reported.put(dir, e.getMessage()))) {
                    LOG.warn("not following {}: {}", dir, e.getMessage());
                }
                return;
            }
            reported.remove(dir);
            repos.put(dir, new Followed(key));
            LOG.info("following Borg repository {}", dir);
            notify(dir, Trigger.DISCOVERED);
        }
    }

    private void forget(Path repo) {
        Followed followed = repos.remove(repo);
        if (followed != null && followed.key() != null) {
            watch.cancel(followed.key());
        }
        LOG.warn("stopped following {}: it is no longer a Borg repository (removed or moved?)", repo);
    }

    /** Events were lost: every repository may have changed, and new ones may have appeared. */
    private void overflowed() {
        LOG.info("file system event queue overflowed; checking every repository");
        repositories().forEach(this::schedule);
        if (!closed) {
            timer.execute(this::discover);
        }
    }

    /** {@code name} appeared in the watched {@code dir}: a commit of a repository, or a repository (to be). */
    private void created(Path dir, String name) {
        boolean signal = INDEX.matcher(name).matches();
        if (repos.containsKey(dir)) {
            if (signal) {
                schedule(dir);
            }
            return;
        }
        if ((signal || "config".equals(name)) && wanted(dir)) {
            consider(dir); // a directory waiting to become a repository
            return;
        }
        Path child = dir.resolve(name);
        if (globs.stream().anyMatch(g -> g.matches(child)) && Files.isDirectory(child)) {
            consider(child);
        }
    }

    /** Whether {@code dir} is configured or matches a glob, i.e. should be followed once it is a repository. */
    private boolean wanted(Path dir) {
        return configured.contains(dir) || globs.stream().anyMatch(g -> g.matches(dir));
    }

    /** Notifies {@code repo} with EVENT after the debounce time, unless a notification is already pending. */
    private void schedule(Path repo) {
        if (closed || !pending.add(repo)) {
            return;
        }
        try {
            timer.schedule(() -> {
                pending.remove(repo);
                notify(repo, Trigger.EVENT);
            }, config.debounce().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            pending.remove(repo);
        }
    }

    private void notify(Path repo, Trigger trigger) {
        if (closed) {
            return;
        }
        try {
            notifier.execute(() -> {
                try {
                    listener.changed(repo, trigger);
                } catch (RuntimeException e) {
                    LOG.warn("listener failed for {} ({}); the follower goes on", repo, trigger, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("not notifying {} ({}): follower is closing", repo, trigger);
        }
    }
}
