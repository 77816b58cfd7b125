package io.segvault.agent.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.agent.cli.StoreOptions;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The wiring {@code sync} builds while it locates the repositories: handed over once, or closed by whoever made it. */
class WiringInBackgroundTest {

    private final AtomicReference<ExecutorService> pool = new AtomicReference<>();
    private final AtomicReference<String> thread = new AtomicReference<>();

    /** A real wiring (the S3 client is built, no request is sent) with one pool of its own to watch. */
    private Wiring build() {
        StoreOptions o = new StoreOptions();
        o.bucket = "vault";
        o.endpoint = URI.create("http://127.0.0.1:9");
        Wiring w = Wiring.forStore(o, Clock.systemUTC());
        pool.set(w.passPool(1));
        thread.set(Thread.currentThread().getName());
        return w;
    }

    @Test
    void the_taker_gets_the_wiring_built_on_its_own_thread_and_owns_it() {
        Wiring w;
        try (WiringInBackground b = WiringInBackground.start(this::build)) {
            w = b.take();
            assertThatThrownBy(b::take).isInstanceOf(IllegalStateException.class);
        }
        assertThat(thread.get()).isEqualTo("segvault-wiring");
        assertThat(pool.get().isShutdown()).as("closing the background leaves a taken wiring open").isFalse();
        w.close();
        assertThat(pool.get().isShutdown()).isTrue();
    }

    @Test
    void a_wiring_nobody_took_is_closed_with_the_background() {
        WiringInBackground b = WiringInBackground.start(this::build);
        b.close();
        assertThat(pool.get()).as("close waits for the build").isNotNull();
        assertThat(pool.get().isShutdown()).isTrue();
    }

    @Test
    void take_throws_what_the_build_threw_itself() {
        IllegalArgumentException bad = new IllegalArgumentException("endpoint: not a URL");
        try (WiringInBackground b = WiringInBackground.start(() -> {
            throw bad;
        })) {
            assertThatThrownBy(b::take).isSameAs(bad);
        }
    }

    @Test
    void closing_after_a_failed_build_does_nothing_more() {
        WiringInBackground b = WiringInBackground.start(() -> {
            throw new IllegalStateException("no credentials");
        });
        b.close();
        assertThatThrownBy(b::take).isInstanceOf(IllegalStateException.class).hasMessageContaining("already taken");
    }
}
