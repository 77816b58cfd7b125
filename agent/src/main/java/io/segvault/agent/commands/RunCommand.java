package io.segvault.agent.commands;

import io.segvault.agent.cli.ConfigOption;
import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.DurationConverter;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.Logging;
import io.segvault.agent.daemon.Daemon;
import io.segvault.core.util.Threads;
import io.segvault.core.config.AgentConfig;
import io.segvault.core.config.AgentConfigLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code segvault run}: the daemon. */
@Command(name = "run", description = "Run the agent as a daemon: follow every configured repository, replicate each commit "
        + "within seconds, rescan, extend locks, serve /metrics and /healthz. SIGTERM or SIGINT stops it cleanly (exit 0).")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "On SIGTERM, let running uploads finish this long before aborting them (default ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--log-format", paramLabel = "text|json", description = "Override log.format of the config.")
    String logFormat;

    @Mixin
    DebugOption debug;

    @Override
    public Integer call() throws Exception {
        AgentConfig cfg = AgentConfigLoader.load(config.file);
        Logging.configure(logFormat != null ? logFormat : cfg.logFormat(), debug.debug);
        Daemon daemon = new Daemon(cfg, Clock.systemUTC());
        daemon.start();
        Runnable stop = () -> Threads.foreground("segvault-stop", () -> daemon.stop(grace)).start();
        Signal.handle(new Signal("TERM"), s -> stop.run());
        Signal.handle(new Signal("INT"), s -> stop.run());
        daemon.await();
        return ExitCodes.OK;
    }
}
