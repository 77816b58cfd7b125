package io.segvault.agent.commands;

import io.segvault.agent.wiring.RepoLocations;
import io.segvault.agent.cli.ConfigOption;
import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.Json;
import io.segvault.core.config.AgentConfig;
import io.segvault.core.config.AgentConfigLoader;
import io.segvault.core.config.RepoResolver;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.replicate.RepoStatus;
import io.segvault.core.replicate.StatusReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code segvault status}: where each repository stands (local read, works while the daemon runs). */
@Command(name = "status", description = "Show per repository: committed transaction, newest restore point offsite, pending "
        + "segments and bytes, lag, earliest lock date of the live objects, tamper events, last pass. Exit 0 when every "
        + "repository is up to date, 3 otherwise.")
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AgentConfig cfg = AgentConfigLoader.load(config.file);
        List<RepoStatus> rows = new ArrayList<>();
        try (RepoLocations locations = RepoLocations.open(cfg); Ledger ledger = Ledger.open(cfg.state())) {
            Map<String, Path> repos = RepoResolver.resolve(cfg, locations);
            StatusReader reader = new StatusReader(ledger, new BucketLayout(cfg.store().prefix()), Clock.systemUTC());
            repos.forEach((name, path) -> rows.add(reader.read(name, path)));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(rows));
        } else {
            rows.forEach(r -> print(out, r));
        }
        out.flush();
        return rows.stream().allMatch(RepoStatus::upToDate) ? ExitCodes.OK : ExitCodes.PROBLEMS;
    }

    private static void print(PrintWriter out, RepoStatus r) {
        out.println(r.repo() + " (" + r.path() + ")" + (r.upToDate() ? ": up to date" : ": NOT up to date"));
        if (r.problem() != null) {
            out.println("  problem:          " + r.problem());
        }
        out.println("  committed:        " + (r.committed() == null ? "-" : r.committed()));
        out.println("  offsite:          " + (r.offsite() == null ? "none" : r.offsite() + " (written " + r.offsiteAt() + ")"));
        out.println("  pending:          " + r.pendingSegments() + " segments, " + r.pendingBytes() + " bytes, lag " + r.lagSeconds()
                + " s");
        out.println("  locked until:     " + (r.earliestRetain() == null ? "-" : r.earliestRetain() + " (earliest of the newest point)"));
        out.println("  tamper events:    " + r.tamperEvents());
        r.recentEvents().forEach(e -> out.println("    " + e));
        if (r.lastPassAt() != null) {
            out.println("  last pass:        " + (r.lastPassOk() ? "ok" : "FAILED") + " at " + r.lastPassAt() + ": " + r.lastPassMessage());
        }
    }
}
