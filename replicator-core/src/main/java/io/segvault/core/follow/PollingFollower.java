package io.segvault.core.follow;

import io.segvault.core.follow.RepositoryFollower.Listener;
import io.segvault.core.follow.RepositoryFollower.Trigger;
import io.segvault.core.util.ThreadPools;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows repositories on a file system without change events (pull mode: {@code sftp://} repositories), by polling.
 * Every {@code pollInterval} it takes a stat-only signature of each repository: the names, sizes and modification
 * times of {@code index.*} in the root (borg renames a new {@code index.N} into place as the last step of every
 * commit) and of {@code data/} and its newest sub-directory. A signature that differs from the last one, a repository
 * seen for the first time ({@link Trigger#DISCOVERED}), a repository whose last pass failed ({@code retry}: a dropped
 * connection, the server down) and every {@code rescanInterval} ({@link Trigger#RESCAN}) call the listener, so a
 * failed pass is tried again every {@code pollInterval}; no file is read.
 *
 * <p>The set of repositories is asked of {@code repositories} at every poll, so glob matches created later are picked
 * up; when that fails (the server is down), the failure is logged and the next poll tries again. Calls are made one at
 * a time on one daemon thread named {@code segvault-poll}.
 */
public final class PollingFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PollingFollower.class);

    private final Supplier<Map<String, Path>> repositories;
    private final Duration pollInterval;
    private final Duration rescanInterval;
    private final Listener listener;
    private final Predicate<Path> retry;
    private final Clock clock;
    private final Map<Path, String> signatures = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;
    private Instant lastRescan;
    private String lastProblem;

    /**
     * @param repositories   the repositories now (asked at every poll)
     * @param retry          whether a repository's last pass failed, so it gets a pass at every poll until one succeeds
     */
    public PollingFollower(Supplier<Map<String, Path>> repositories, Duration pollInterval, Duration rescanInterval,
                           Listener listener, Predicate<Path> retry, Clock clock) {
        this.repositories = Objects.requireNonNull(repositories, "repositories");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, is " + pollInterval);
        }
        this.pollInterval = pollInterval;
        this.rescanInterval = rescanInterval;
        this.listener = listener;
        this.retry = retry;
        this.clock = clock;
        this.lastRescan = clock.instant();
    }

    /** Polls once now, then every {@code pollInterval}. */
    public synchronized void start(ThreadPools pools) {
        if (timer != null) {
            throw new IllegalStateException("already started");
        }
        timer = pools.scheduled("segvault-poll", 1);
        timer.scheduleWithFixedDelay(this::poll, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The repositories seen so far (paths as the supplier gave them). */
    public Set<Path> repositories() {
        return Set.copyOf(signatures.keySet());
    }

    /** One poll: exposed for tests, otherwise run by the timer. */
    void poll() {
        Map<String, Path> now;
        try {
            now = repositories.get();
            lastProblem = null;
        } catch (RuntimeException e) {
            if (!Objects.equals(lastProblem, e.getMessage())) {
                LOG.warn("cannot list the remote repositories (trying again every {} s): {}", pollInterval.toSeconds(),
                        e.getMessage());
            }
            lastProblem = e.getMessage();
            return;
        }
        boolean rescan = !clock.instant().isBefore(lastRescan.plus(rescanInterval));
        if (rescan) {
            lastRescan = clock.instant();
        }
        signatures.keySet().retainAll(now.values());
        for (Path repo : now.values()) {
            String signature;
            try {
                signature = signature(repo);
            } catch (IOException | RuntimeException e) {
                // the pass reports what is wrong with the repository (and reconnects); polling goes on
                signature = "unreadable: " + e;
            }
            String before = signatures.put(repo, signature);
            Trigger trigger = before == null ? Trigger.DISCOVERED : !before.equals(signature) ? Trigger.EVENT
                    : rescan || retry.test(repo) ? Trigger.RESCAN : null;
            if (trigger != null) {
                notify(repo, trigger);
            }
        }
    }

    private void notify(Path repo, Trigger trigger) {
        try {
            listener.changed(repo, trigger);
        } catch (RuntimeException e) {
            LOG.warn("listener failed for {}: {}", repo, e.toString());
        }
    }

    /** Names, sizes and modification times of {@code index.*}, {@code data/} and its newest sub-directory. */
    static String signature(Path repo) throws IOException {
        Map<String, String> parts = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(repo, "index.*")) {
            for (Path entry : entries) {
                parts.put(entry.getFileName().toString(), stat(entry));
            }
        }
        Path data = repo.resolve("data");
        try {
            parts.put("data", stat(data));
            long newest = -1;
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(data)) {
                for (Path dir : dirs) {
                    String name = dir.getFileName().toString();
                    if (name.chars().allMatch(Character::isDigit) && !name.isEmpty() && name.length() < 19) {
                        newest = Math.max(newest, Long.parseLong(name));
                    }
                }
            }
            if (newest >= 0) {
                parts.put("data/" + newest, stat(data.resolve(Long.toString(newest))));
            }
        } catch (NoSuchFileException e) {
            parts.put("data", "missing");
        }
        return parts.toString();
    }

    private static String stat(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return a.size() + "@" + a.lastModifiedTime().toMillis();
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
