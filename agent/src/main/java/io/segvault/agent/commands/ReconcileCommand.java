package io.segvault.agent.commands;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvault.agent.wiring.RepoLocations;
import io.segvault.agent.wiring.StateLock;
import io.segvault.agent.wiring.Wiring;
import io.segvault.agent.cli.ConfigOption;
import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.core.config.AgentConfig;
import io.segvault.core.config.AgentConfigLoader;
import io.segvault.core.config.RepoResolver;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.ledger.LedgerException;
import io.segvault.core.replicate.Reconciler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code segvault reconcile}: rebuild the local ledger from the bucket. */
@Command(name = "reconcile", description = "Rebuild the local ledger from a bucket listing (no upload). A ledger file that "
        + "cannot be opened is moved aside first (ledger.db.corrupt-<time>).")
public final class ReconcileCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--repo", paramLabel = "NAME", description = "Only this repository (repeatable).")
    List<String> only;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        AgentConfig cfg = AgentConfigLoader.load(config.file);
        Map<String, Path> repos;
        try (RepoLocations locations = RepoLocations.open(cfg)) {
            repos = SyncCommand.select(RepoResolver.resolve(cfg, locations), only, cfg);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (StateLock lock = StateLock.acquire(cfg.state())) {
            moveAsideIfCorrupt(cfg.state(), out);
            try (Wiring w = Wiring.forConfig(cfg, new SimpleMeterRegistry(), Clock.systemUTC())) {
                Reconciler reconciler = w.reconciler();
                for (String repo : repos.keySet()) {
                    Reconciler.Result r = reconciler.rebuild(repo);
                    out.println(repo + ": ledger rebuilt from the bucket: " + r.segments() + " segments, " + r.points()
                            + " restore points"
                            + (r.foreignVersions() > 0 ? ", " + r.foreignVersions() + " foreign versions ignored" : ""));
                }
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void moveAsideIfCorrupt(Path state, PrintWriter out) throws IOException {
        try {
            Ledger.open(state).close();
        } catch (LedgerException e) {
            Path file = state.resolve(Ledger.FILE_NAME);
            Path aside = state.resolve(Ledger.FILE_NAME + ".corrupt-" + System.currentTimeMillis());
            Files.move(file, aside);
            for (String suffix : List.of("-wal", "-shm")) {
                Files.deleteIfExists(state.resolve(Ledger.FILE_NAME + suffix));
            }
            out.println("the ledger could not be opened (" + e.getMessage() + "); moved it to " + aside);
        }
    }
}
