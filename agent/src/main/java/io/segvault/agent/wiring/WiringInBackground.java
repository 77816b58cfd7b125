package io.segvault.agent.wiring;

import io.segvault.core.util.Threads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A {@link Wiring} built on a thread of its own while the caller does what does not need it yet: {@code sync} locates
 * its repositories meanwhile, which in pull mode is the SSH connection with its key exchange and authentication, so
 * the S3 client's construction no longer adds to it (docs/benchmarks.md, pull mode). {@link #take} hands the wiring
 * over (the caller closes it) or throws what building it threw; closing this without taking it waits for the build
 * and closes what it made.
 */
public final class WiringInBackground implements AutoCloseable {

    private final CompletableFuture<Wiring> built = new CompletableFuture<>();
    private boolean taken;

    private WiringInBackground() {
    }

    /** Starts {@code build} on the thread {@code segvault-wiring}. */
    public static WiringInBackground start(Supplier<Wiring> build) {
        WiringInBackground b = new WiringInBackground();
        Threads.POOLS.thread("segvault-wiring", () -> {
            try {
                b.built.complete(build.get());
            } catch (RuntimeException | Error e) {
                b.built.completeExceptionally(e);
            }
        }).start();
        return b;
    }

    /** The wiring, once built; the caller owns it from here. Rethrows the exception the build ended with. */
    public Wiring take() {
        if (taken) {
            throw new IllegalStateException("the wiring was already taken");
        }
        taken = true;
        try {
            return built.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Closes a wiring nobody took (the command failed before it needed one), after its build has ended. */
    @Override
    public void close() {
        if (taken) {
            return;
        }
        taken = true;
        Wiring w = built.handle((ok, failed) -> ok).join();
        if (w != null) {
            w.close();
        }
    }
}
