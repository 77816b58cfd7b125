package io.segvault.agent.audit;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Everything one fence audit found: the keys (file order), the repositories (sorted by path) and the findings (keys in
 * file order, then prune-key and repository findings).
 */
public record AuditReport(List<KeyReport> keys, List<RepositoryReport> repositories, List<Finding> findings) {

    public AuditReport {
        keys = List.copyOf(keys);
        repositories = List.copyOf(repositories);
        findings = List.copyOf(findings);
    }

    /** The worst severity among the findings; empty when there are none. */
    public Optional<Severity> highestSeverity() {
        return findings.stream().map(Finding::severity).max(Comparator.naturalOrder());
    }

    /** True when no finding is above {@link Severity#INFO}. */
    public boolean passed() {
        return highestSeverity().map(s -> s == Severity.INFO).orElse(true);
    }

    public long count(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).count();
    }
}
