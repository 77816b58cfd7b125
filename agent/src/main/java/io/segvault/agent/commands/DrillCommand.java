package io.segvault.agent.commands;

import io.segvault.agent.wiring.TrustSelection;
import io.segvault.agent.wiring.Wiring;
import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.Json;
import io.segvault.agent.cli.StoreOptions;
import io.segvault.agent.cli.TrustOptions;
import io.segvault.core.witness.TrustedPoints;
import io.segvault.core.restore.Drill;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code segvault drill}: the restore drill, automated. */
@Command(name = "drill", description = "Restore the newest point (the newest attested one with a witness key) into a scratch "
        + "directory, run borg check on it, report, clean up. Archives are checked when "
        + "BORG_PASSPHRASE (or BORG_PASSCOMMAND) is set; otherwise the repository only.")
public final class DrillCommand implements Callable<Integer> {

    @Option(names = "--repo", required = true, paramLabel = "NAME", description = "Repository name in the bucket.")
    String repo;

    @Option(names = "--scratch", paramLabel = "DIR", description = "Scratch directory (default: the system temp directory).")
    Path scratch;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Mixin
    StoreOptions store;

    @Mixin
    TrustOptions trust;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path dir = scratch != null ? scratch : Path.of(System.getProperty("java.io.tmpdir"));
        try (Wiring w = Wiring.forStore(store, Clock.systemUTC())) {
            TrustedPoints trusted = TrustSelection.of(w, trust);
            var ref = trusted.select(repo, "latest", null, w.clock().instant(), trust.unattested);
            if (!trusted.witnessConfigured()) {
                spec.commandLine().getErr().println("note: " + trusted.describe());
                spec.commandLine().getErr().flush();
            }
            Drill.Result r = new Drill(w.catalog(), w.restorer(8), dir, w.clock(), Duration.ofHours(6)).run(ref);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(r));
            } else {
                out.println("drill " + repo + " transaction " + r.transaction() + ": restored " + r.bytes() + " bytes, borg check "
                        + (r.archivesChecked() ? "(repository and archives)" : "--repository-only (no passphrase given)") + " exit "
                        + r.borgExit() + (r.ok() ? ": OK" : ": FAILED") + " in " + r.took().toSeconds() + " s");
                if (!r.ok()) {
                    out.println(r.borgOutput());
                }
            }
            out.flush();
            return r.ok() ? ExitCodes.OK : ExitCodes.PROBLEMS;
        }
    }
}
