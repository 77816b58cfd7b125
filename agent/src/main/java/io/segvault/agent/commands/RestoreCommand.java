package io.segvault.agent.commands;

import io.segvault.agent.wiring.TrustSelection;
import io.segvault.agent.wiring.Wiring;
import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.ErrorHandler.UsageException;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.Json;
import io.segvault.agent.cli.ProgressBar;
import io.segvault.agent.cli.ProgressOptions;
import io.segvault.agent.cli.StoreOptions;
import io.segvault.agent.cli.TrustOptions;
import io.segvault.core.witness.TrustedPoints;
import io.segvault.core.restore.PointRef;
import io.segvault.core.restore.Restorer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code segvault restore}: a Borg repository back from the bucket. */
@Command(name = "restore", description = "Restore a repository from the bucket into a new or empty directory, at the newest "
        + "restore point, a given transaction, or the last point before a time.")
public final class RestoreCommand implements Callable<Integer> {

    @Option(names = "--repo", required = true, paramLabel = "NAME", description = "Repository name in the bucket.")
    String repo;

    @Option(names = "--target", required = true, paramLabel = "DIR", description = "New or empty directory to restore into. "
            + "Run again with the same target to continue an interrupted restore (kept in DIR.segvault-partial).")
    Path target;

    @Option(names = "--point", paramLabel = "latest|T", description = "Restore point: latest (default) or a transaction number.")
    String point;

    @Option(names = "--before", paramLabel = "TIME", description = "The newest point written before this ISO-8601 time "
            + "(e.g. 2026-11-28T12:00:00Z); with a witness key, the newest attested point the server wrote before it.")
    String before;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "8",
            description = "Downloads at once: whole objects, or 512 MiB ranges of larger ones (default ${DEFAULT-VALUE}).")
    int parallel;

    @Mixin
    StoreOptions store;

    @Mixin
    TrustOptions trust;

    @Mixin
    ProgressOptions progress;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (point != null && before != null) {
            throw new UsageException("give either --point or --before, not both");
        }
        Instant beforeTime = parseBefore(before);
        if (beforeTime != null && beforeTime.isAfter(Instant.now())) {
            throw new UsageException("--before " + before + " is in the future; leave it out (or give --point latest) for the "
                    + "newest restore point");
        }
        progress.everyNanos();
        PrintWriter out = spec.commandLine().getOut();
        Wiring w = Wiring.forStore(store, Clock.systemUTC());
        ProgressBar bar = new ProgressBar(out, progress, w.pools());
        try (w) {
            TrustedPoints trusted = TrustSelection.of(w, trust);
            List<TrustedPoints.Judged> judged = trusted.list(repo);
            List<PointRef> all = judged.stream().map(TrustedPoints.Judged::ref).toList();
            PointRef ref = trusted.select(repo, point, beforeTime, w.clock().instant(), trust.unattested);
            warnInconsistent(spec.commandLine().getErr(), all, ref);
            warnUnattested(spec.commandLine().getErr(), trusted, judged, ref);
            if (!progress.json) {
                out.println("restoring " + repo + " transaction " + ref.transaction() + " (written " + ref.written() + ") into "
                        + target);
                out.flush();
            }
            Restorer.Result r = w.restorer(Math.max(1, parallel)).restore(ref, target, bar);
            if (progress.json) {
                out.println(Json.compact(Map.of("restored", r.repo(), "transaction", r.transaction(), "segments", r.segments(),
                        "bytes", r.bytes(), "seconds", r.took().toMillis() / 1000.0, "target", r.target().toString(),
                        "indexOmitted", r.indexOmitted(), "keptFiles", r.keptFiles(), "downloadedBytes", r.downloadedBytes())));
                out.flush();
            } else {
                printSummary(out, r, ref, all.stream().filter(PointRef::consistent).mapToLong(PointRef::transaction).max()
                        .orElse(ref.transaction()));
            }
            return ExitCodes.OK;
        } finally {
            bar.stop();
        }
    }

    /** Names the points restore skipped as inconsistent, and warns when an explicit --point chose one. */
    static void warnInconsistent(PrintWriter err, List<PointRef> all, PointRef chosen) {
        for (PointRef p : all) {
            if (p.consistent()) {
                continue;
            }
            if (p.equals(chosen)) {
                err.println("warning: restoring " + p.key() + ", which is NOT part of the repository's consistent chain: "
                        + p.problem());
            } else {
                err.println("note: skipped inconsistent restore point " + p.key() + " (version " + p.versionId() + "): "
                        + p.problem());
            }
        }
        err.flush();
    }

    /** Says which trust chose the point: the witness's attestation, or (without a witness key) the chain alone. */
    static void warnUnattested(PrintWriter err, TrustedPoints trusted, List<TrustedPoints.Judged> judged, PointRef chosen) {
        if (!trusted.witnessConfigured()) {
            err.println("note: " + trusted.describe());
        } else {
            judged.stream().filter(j -> j.ref().equals(chosen)).findFirst().ifPresent(j -> err.println(j.attested()
                    ? "point " + chosen.transaction() + " is attested by the witness (" + trusted.describe() + "): " + j.status()
                    : "warning: restoring point " + chosen.transaction() + ", which the witness did NOT attest: " + j.status()));
        }
        err.flush();
    }

    static Instant parseBefore(String before) {
        if (before == null) {
            return null;
        }
        try {
            return Instant.parse(before);
        } catch (DateTimeParseException e) {
            throw new UsageException("--before '" + before + "' is not an ISO-8601 time like 2026-11-28T12:00:00Z");
        }
    }

    private static void printSummary(PrintWriter out, Restorer.Result r, PointRef ref, long newest) {
        out.println("restored " + r.repo() + " transaction " + r.transaction() + ": " + r.segments() + " segments, " + r.bytes()
                + " bytes, every SHA-256 checked, in " + r.took().toSeconds() + " s -> " + r.target());
        if (r.keptFiles() > 0) {
            out.println("continued an interrupted restore: kept " + r.keptFiles() + " files (" + r.keptBytes() + " bytes) it had "
                    + "verified, downloaded " + r.downloadedBytes() + " bytes");
        }
        if (r.indexOmitted()) {
            out.println("note: index." + r.transaction() + " was not replicated (too large); borg rebuilds it on first use, "
                    + "reading every segment once");
        }
        out.println("To use it with borg:");
        out.println("  - borg asks whether the repository was relocated: answer yes, or set BORG_RELOCATED_REPO_ACCESS_IS_OK=yes");
        out.println("  - repokey repositories need only the passphrase; keyfile repositories need the client's key file");
        if (ref.transaction() < newest) {
            out.println("  - this is an OLDER state than the newest point (" + newest + "). Clients that saw a newer state refuse it "
                    + "(\"Cache ... is newer than repository\") until you remove, on each client, ~/.cache/borg/" + r.repoId()
                    + " and ~/.config/borg/security/" + r.repoId() + "/manifest-timestamp");
            out.println("  - new backups into an older state reuse segment numbers of the abandoned history: replicate the "
                    + "restored repository under a NEW name");
        }
        out.println("  - check it: borg check " + r.target());
        out.flush();
    }
}
