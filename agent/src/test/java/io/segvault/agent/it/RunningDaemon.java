package io.segvault.agent.it;

import io.segvault.agent.daemon.Daemon;
import io.segvault.core.config.AgentConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** {@code segvault run} in this JVM for a test: started from a config file, stopped (5 s grace) on close. */
public final class RunningDaemon implements AutoCloseable {

    private final Daemon daemon;

    private RunningDaemon(Daemon daemon) {
        this.daemon = daemon;
    }

    /** Loads {@code config} and starts the daemon with {@code clock}. */
    public static RunningDaemon start(Path config, Clock clock) {
        Daemon d = new Daemon(AgentConfigLoader.load(config), clock);
        try {
            d.start();
        } catch (IOException e) {
            throw new UncheckedIOException("the daemon did not start", e);
        }
        return new RunningDaemon(d);
    }

    public static RunningDaemon start(Path config) {
        return start(config, Clock.systemUTC());
    }

    /** The port of /metrics, /healthz and /readyz. */
    public int port() {
        return daemon.httpPort();
    }

    /** The current /metrics. */
    public Scrape scrape() {
        return Scrape.of(port());
    }

    @Override
    public void close() {
        daemon.stop(Duration.ofSeconds(5));
    }
}
