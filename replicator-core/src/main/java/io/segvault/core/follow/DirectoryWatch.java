package io.segvault.core.follow;

import io.segvault.core.util.ThreadPools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file system events of a {@link RepositoryFollower}: one watch service, the directories registered with it for
 * creation events, and one thread that takes their events and passes each on. It decides nothing about repositories:
 * a creation goes to {@code created} (directory and name), a lost queue to {@code overflowed}. Until {@link #start}
 * (and so always when the follower runs without events) nothing is registered and {@link #watch} returns null.
 */
final class DirectoryWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatch.class);

    private final BiConsumer<Path, String> created;
    private final Runnable overflowed;
    private final Duration rescanInterval;
    private volatile WatchService service;
    private Thread thread;
    private volatile boolean closed;

    /**
     * @param created        told that a name was created in (or renamed into) a watched directory
     * @param overflowed     told that the event queue overflowed, so events were lost
     * @param rescanInterval named in the warning when a directory cannot be watched
     */
    DirectoryWatch(BiConsumer<Path, String> created, Runnable overflowed, Duration rescanInterval) {
        this.created = created;
        this.overflowed = overflowed;
        this.rescanInterval = rescanInterval;
    }

    /**
     * Creates the watch service and starts the thread that takes its events ({@code segvault-follow-watch}).
     *
     * @throws UncheckedIOException when the file system's watch service cannot be created
     */
    synchronized void start(ThreadPools pools) {
        try {
            service = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a file system watch service", e);
        }
        thread = pools.thread("segvault-follow-watch", this::loop);
        thread.start();
    }

    /** Whether {@link #start} created the watch service. */
    boolean active() {
        return service != null;
    }

    /** Registers {@code dir} for creation events (which include renames into it); null without events. */
    WatchKey watch(Path dir) {
        WatchService ws = service;
        if (ws == null) {
            return null;
        }
        try {
            return dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE);
        } catch (ClosedWatchServiceException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("cannot watch {} for changes; relying on the rescan every {}: {}", dir, rescanInterval, e.toString());
            return null;
        }
    }

    /** Stops watching the directory of {@code key}. */
    void cancel(WatchKey key) {
        key.cancel();
    }

    private void loop() {
        while (!closed) {
            WatchKey key;
            try {
                key = service.take();
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            }
            // a cancelled key's events are dropped: its directory is no longer followed
            Path dir = key.isValid() ? (Path) key.watchable() : null;
            for (WatchEvent<?> event : key.pollEvents()) {
                try {
                    pass(dir, event);
                } catch (RuntimeException e) {
                    LOG.warn("handling file system event {} in {} failed", event.kind(), dir, e);
                }
            }
            key.reset();
        }
    }

    /** An overflow whatever the key; a creation only in a directory still known. */
    private void pass(Path dir, WatchEvent<?> event) {
        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
            overflowed.run();
        } else if (dir != null) {
            created.accept(dir, event.context().toString());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                LOG.debug("closing the watch service failed", e);
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}
