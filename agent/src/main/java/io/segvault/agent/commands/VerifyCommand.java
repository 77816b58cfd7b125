package io.segvault.agent.commands;

import io.segvault.agent.wiring.TrustSelection;
import io.segvault.agent.wiring.Wiring;
import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.DurationConverter;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.Json;
import io.segvault.agent.cli.StoreOptions;
import io.segvault.agent.cli.TrustOptions;
import io.segvault.core.restore.PointRef;
import io.segvault.core.witness.TrustedPoints;
import java.util.ArrayList;
import java.util.List;
import io.segvault.core.verify.Problem;
import io.segvault.core.verify.Verifier;
import io.segvault.core.verify.VerifyReport;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code segvault verify}: is everything offsite, locked and intact? */
@Command(name = "verify", description = "Check every object named by every restore point (or the newest): present at its "
        + "version, COMPLIANCE-locked until at least the horizon, the hash chain intact, no foreign versions. Exit 0 when all "
        + "holds, 3 when problems were found.")
public final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--repo", required = true, paramLabel = "NAME", description = "Repository name in the bucket.")
    String repo;

    @Option(names = "--deep", description = "Download and re-hash every object.")
    boolean deep;

    @Option(names = "--newest", description = "Only the newest restore point.")
    boolean newest;

    @Option(names = "--horizon", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
            description = "Every object must be locked at least this long from now (e.g. 7d; default ${DEFAULT-VALUE}).")
    java.time.Duration horizon;

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
        java.time.Duration h = horizon;
        try (Wiring w = Wiring.forStore(store, Clock.systemUTC())) {
            TrustedPoints trusted = TrustSelection.of(w, trust);
            PointRef pick = newest && trusted.witnessConfigured() ? trusted.select(repo, "latest", null, w.clock().instant(),
                    trust.unattested) : null;
            VerifyReport report = withVerdicts(new Verifier(w.catalog()).verify(repo, newest, pick, deep, w.clock().instant().plus(h)),
                    trusted);
            PrintWriter out = spec.commandLine().getOut();
            if (!trusted.witnessConfigured()) {
                spec.commandLine().getErr().println("note: " + trusted.describe());
                spec.commandLine().getErr().flush();
            }
            if (json) {
                out.println(Json.write(report));
            } else {
                out.println(repo + ": " + report.pointsChecked() + " restore points, " + report.objectsChecked() + " object versions "
                        + "checked" + (deep ? " (downloaded and re-hashed)" : "") + ", lock horizon " + report.horizon());
                for (Problem p : report.problems()) {
                    out.println("  " + p.code() + " " + p.subject() + ": " + p.message());
                }
                out.println(report.ok() ? "ok" : report.problems().size() + " problems");
            }
            out.flush();
            return report.ok() ? ExitCodes.OK : ExitCodes.PROBLEMS;
        }
    }

    /** Adds a WITNESS_REFUSED problem for every point the trusted witness refused. */
    private VerifyReport withVerdicts(VerifyReport r, TrustedPoints trusted) {
        if (!trusted.witnessConfigured()) {
            return r;
        }
        List<Problem> problems = new ArrayList<>(r.problems());
        for (TrustedPoints.Judged j : trusted.list(repo)) {
            if (j.verdict() != null && !j.verdict().attested()) {
                problems.add(new Problem("WITNESS_REFUSED", j.ref().key(), "version " + j.ref().versionId() + ": " + j.status()));
            }
        }
        return new VerifyReport(r.repo(), r.pointsChecked(), r.objectsChecked(), r.deep(), r.horizon(), problems);
    }
}
