package io.segvault.agent.daemon;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serialises the passes of one repository and coalesces triggers: a trigger while a pass runs makes
 * exactly one more pass afterwards, however many triggers arrived (the newest commit gets the point).
 */
final class RepoWorker {

    private static final Logger LOG = LoggerFactory.getLogger(RepoWorker.class);

    private final String repo;
    private final ExecutorService pool;
    private final Runnable pass;
    private final Consumer<RuntimeException> onError;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean stopped;

    RepoWorker(String repo, ExecutorService pool, Runnable pass, Consumer<RuntimeException> onError) {
        this.repo = repo;
        this.pool = pool;
        this.pass = pass;
        this.onError = onError;
    }

    void trigger() {
        if (stopped) {
            return;
        }
        again.set(true);
        if (running.compareAndSet(false, true)) {
            try {
                pool.execute(this::loop);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                running.set(false);
            }
        }
    }

    private void loop() {
        try {
            while (!stopped && again.getAndSet(false)) {
                try {
                    pass.run();
                } catch (RuntimeException e) {
                    LOG.error("{}: pass failed: {}", repo, e.getMessage());
                    onError.accept(e);
                }
            }
        } finally {
            running.set(false);
            if (again.get() && !stopped) {
                trigger();
            }
        }
    }

    boolean busy() {
        return running.get();
    }

    void stop() {
        stopped = true;
    }
}
