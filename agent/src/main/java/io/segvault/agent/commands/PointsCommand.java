package io.segvault.agent.commands;

import io.segvault.agent.wiring.TrustSelection;
import io.segvault.agent.wiring.Wiring;
import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.Json;
import io.segvault.agent.cli.StoreOptions;
import io.segvault.agent.cli.TrustOptions;
import io.segvault.core.witness.TrustedPoints;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.PointRef;
import io.segvault.core.store.StoredObject;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code segvault points}: the restore points offsite, newest first. */
@Command(name = "points", description = "List the restore points of a repository in the bucket, newest first.")
public final class PointsCommand implements Callable<Integer> {

    @Option(names = "--repo", required = true, paramLabel = "NAME", description = "Repository name in the bucket.")
    String repo;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "Show at most N points (default ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    StoreOptions store;

    @Mixin
    TrustOptions trust;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    /** One row of the listing; {@code witness} is what the trusted witness said (null without a witness key). */
    public record Row(long transaction, Instant written, int segments, long bytes, Instant retainUntil, int foreignVersions,
                      String key, boolean consistent, String problem, Boolean attested, String witness) {
    }

    @Override
    public Integer call() {
        try (Wiring w = Wiring.forStore(store, Clock.systemUTC())) {
            PointCatalog catalog = w.catalog();
            TrustedPoints trusted = TrustSelection.of(w, trust);
            boolean witnessed = trusted.witnessConfigured();
            List<Row> rows = new ArrayList<>();
            for (TrustedPoints.Judged j : trusted.list(repo).stream().limit(limit).toList()) {
                PointRef ref = j.ref();
                StoredObject head = w.reader().head(ref.key(), ref.versionId());
                Boolean attested = witnessed ? j.attested() : null;
                String said = witnessed ? j.status() : null;
                if (ref.consistent()) {
                    RestorePoint p = catalog.read(ref);
                    rows.add(new Row(ref.transaction(), ref.written(), p.segments().size(), p.totalBytes(), head.retainUntil(),
                            ref.foreignVersions(), ref.key(), true, null, attested, said));
                } else {
                    rows.add(new Row(ref.transaction(), ref.written(), 0, head.size(), head.retainUntil(), ref.foreignVersions(),
                            ref.key(), false, ref.problem(), attested, said));
                }
            }
            print(rows, spec.commandLine().getOut());
            if (!json) {
                spec.commandLine().getErr().println((witnessed ? "" : "note: ") + trusted.describe());
                spec.commandLine().getErr().flush();
            }
            return ExitCodes.OK;
        }
    }

    private void print(List<Row> rows, PrintWriter out) {
        if (json) {
            out.println(Json.write(rows));
        } else if (rows.isEmpty()) {
            out.println("no restore points for " + repo);
        } else {
            out.printf("%-12s %-22s %9s %14s %-22s%n", "TRANSACTION", "WRITTEN", "SEGMENTS", "BYTES", "POINT LOCKED UNTIL");
            for (Row r : rows) {
                if (!r.consistent()) {
                    out.printf("%-12d %-22s INCONSISTENT %s: %s%s%n", r.transaction(), r.written(), r.key(), r.problem(),
                            r.witness() == null ? "" : " [witness: " + r.witness() + "]");
                    continue;
                }
                out.printf("%-12d %-22s %9d %14d %-22s%s%s%n", r.transaction(), r.written(), r.segments(), r.bytes(), r.retainUntil(),
                        r.foreignVersions() > 0 ? "  (" + r.foreignVersions() + " foreign versions!)" : "",
                        r.witness() == null ? "" : "  " + (r.attested() ? "ATTESTED" : r.witness().toUpperCase(java.util.Locale.ROOT)
                                .startsWith("REFUSED") ? "REFUSED" + r.witness().substring(7) : "NOT ATTESTED"));
            }
        }
        out.flush();
    }
}
