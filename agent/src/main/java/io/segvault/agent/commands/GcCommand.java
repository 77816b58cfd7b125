package io.segvault.agent.commands;

import io.segvault.agent.wiring.TrustSelection;
import io.segvault.agent.wiring.Wiring;
import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.DurationConverter;
import io.segvault.agent.cli.ErrorHandler.UsageException;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.StoreOptions;
import io.segvault.agent.cli.TrustOptions;
import io.segvault.core.witness.TrustedPoints;
import io.segvault.core.gc.GarbageCollector;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code segvault gc}: delete expired, unreferenced versions (trusted operator host only). */
@Command(name = "gc", description = "On the witness host, whose credential alone may delete versions: delete object versions whose "
        + "lock has expired and that no restore point newer than --keep (nor the newest attested or consistent point) names. "
        + "Needs the witness's public key. Never touches a locked version.")
public final class GcCommand implements Callable<Integer> {

    @Option(names = "--repo", required = true, paramLabel = "NAME", description = "Repository name in the bucket.")
    String repo;

    @Option(names = "--keep", required = true, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Keep everything named by restore points written within this window (e.g. 90d); the newest point is always kept.")
    Duration keep;

    @Option(names = "--dry-run", description = "List what would be deleted; delete nothing.")
    boolean dryRun;

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
        Duration window = keep;
        try (Wiring w = Wiring.forStore(store, Clock.systemUTC())) {
            TrustedPoints trusted = TrustSelection.of(w, trust);
            if (!trusted.witnessConfigured()) {
                throw new UsageException("gc runs only with the witness's public key (--trust FILE, or 'trust' in the config): "
                        + "without it, points an attacker wrote with the agent's credential could decide what is deleted "
                        + "(docs/witness.md)");
            }
            GarbageCollector gc = new GarbageCollector(w.reader(), w.deleter(), trusted, w.clock());
            GarbageCollector.Result r = gc.run(repo, window, dryRun);
            PrintWriter out = spec.commandLine().getOut();
            r.deleted().forEach(c -> out.println((dryRun ? "would delete " : "deleted ") + c.key() + " version " + c.versionId()
                    + " (" + c.size() + " bytes, lock ended " + c.retainUntil() + ")"));
            out.println(repo + ": " + r.deleted().size() + (dryRun ? " versions would be deleted" : " versions deleted") + ", "
                    + r.keptLocked() + " still locked, " + r.keptReferenced() + " referenced by kept points");
            r.errors().forEach(e -> spec.commandLine().getErr().println("segvault gc: error: " + e));
            out.flush();
            return r.errors().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }
}
