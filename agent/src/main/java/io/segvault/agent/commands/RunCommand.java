package io.segvault.agent.commands;

import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.ErrorHandler.UsageException;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.Logging;
import io.segvault.agent.daemon.Daemon;
import io.segvault.core.util.Threads;
import io.segvault.core.config.AgentConfig;
import io.segvault.core.config.AgentConfigLoader;
import io.segvault.core.config.Units;
import java.nio.file.Path;
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

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Agent config file (YAML).")
    Path config;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "30s",
            description = "On SIGTERM, let running uploads finish this long before aborting them (default ${DEFAULT-VALUE}).")
    String grace;

    @Option(names = "--log-format", paramLabel = "text|json", description = "Override log.format of the config.")
    String logFormat;

    @Mixin
    DebugOption debug;

    @Override
    public Integer call() throws Exception {
        AgentConfig cfg = AgentConfigLoader.load(config);
        Duration graceTime;
        try {
            graceTime = Units.duration(grace);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--grace: " + e.getMessage());
        }
        Logging.configure(logFormat != null ? logFormat : cfg.logFormat(), debug.debug);
        Daemon daemon = new Daemon(cfg, Clock.systemUTC());
        daemon.start();
        Runnable stop = () -> Threads.foreground("segvault-stop", () -> daemon.stop(graceTime)).start();
        Signal.handle(new Signal("TERM"), s -> stop.run());
        Signal.handle(new Signal("INT"), s -> stop.run());
        daemon.await();
        return ExitCodes.OK;
    }
}
