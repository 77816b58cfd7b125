package io.segvault.agent.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/** Writes an {@link AuditReport} as tables for a person or as JSON for a program (format in docs/ssh-fences.md). */
public final class AuditReportWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AuditReportWriter() {
    }

    /** The JSON document: a summary, then findings, keys and repositories. */
    record JsonReport(Summary summary, List<Finding> findings, List<KeyReport> keys, List<RepositoryReport> repositories) {
    }

    /** Counts per severity; {@code passed} when nothing is above INFO. */
    record Summary(boolean passed, long critical, long warning, long info) {
    }

    public static void json(AuditReport report, PrintWriter out) {
        try {
            out.println(JSON.writeValueAsString(new JsonReport(summary(report), report.findings(), report.keys(),
                    report.repositories())));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the audit report as JSON", e);
        }
    }

    public static void table(AuditReport report, PrintWriter out) {
        out.println("Keys (" + report.keys().size() + ")");
        TextTable keys = new TextTable("SOURCE", "FINGERPRINT", "COMMENT", "ROLE", "BORG SERVE", "APPEND-ONLY",
                "REPOSITORY", "RESTRICT", "FROM");
        for (KeyReport k : report.keys()) {
            String repos = k.restrictedTo().isEmpty() ? "-" : String.join(",", k.restrictedTo())
                    + (k.restrictedToRepositories() ? "" : " (not found)");
            keys.row(k.source(), k.fingerprint(), k.comment(), k.pruneKey() ? "prune" : "client", yesNo(k.borgServe()),
                    yesNo(k.appendOnly()), repos,
                    k.restricted() ? "yes" : "no (" + String.join(",", k.openCapabilities()) + ")",
                    k.from() == null ? "any" : k.from());
        }
        keys.print(out);
        out.println();
        out.println("Repositories (" + report.repositories().size() + ")");
        TextTable repos = new TextTable("PATH", "APPEND_ONLY");
        report.repositories().forEach(r -> repos.row(r.path(), r.appendOnlySetting() == null ? "(absent)" : r.appendOnlySetting()));
        repos.print(out);
        out.println();
        out.println("Findings (" + report.findings().size() + ")");
        TextTable findings = new TextTable("SEVERITY", "CODE", "SOURCE", "MESSAGE");
        report.findings().forEach(f -> findings.row(f.severity().name(), f.code(), f.source(), f.message()));
        findings.print(out);
        out.println();
        Summary s = summary(report);
        out.println("Result: " + (s.passed() ? "PASSED" : "FAILED") + String.format(Locale.ROOT,
                " (%d critical, %d warning, %d info)", s.critical(), s.warning(), s.info()));
    }

    private static Summary summary(AuditReport report) {
        return new Summary(report.passed(), report.count(Severity.CRITICAL), report.count(Severity.WARNING),
                report.count(Severity.INFO));
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
