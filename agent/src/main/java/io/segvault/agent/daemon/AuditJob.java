package io.segvault.agent.daemon;

import io.segvault.agent.audit.AuditInputException;
import io.segvault.agent.audit.AuditReport;
import io.segvault.agent.audit.FenceAudit;
import io.segvault.agent.audit.Finding;
import io.segvault.agent.audit.Severity;
import io.segvault.core.config.AgentConfig;
import io.segvault.core.metrics.Meters;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the SSH fence audit on the daemon's schedule, exports the number of findings per severity and logs
 * what changed since the previous run (a fence removed, a key appeared, a problem fixed).
 */
final class AuditJob {

    private static final Logger LOG = LoggerFactory.getLogger(AuditJob.class);

    private final AgentConfig.Audit audit;
    private final Meters meters;
    private final FenceAudit fence;
    private Set<String> previous;

    AuditJob(AgentConfig.Audit audit, Meters meters) {
        this.audit = audit;
        this.meters = meters;
        this.fence = new FenceAudit(audit.pruneKeys());
    }

    void run() {
        AuditReport report;
        try {
            report = fence.audit(audit.authorizedKeys(), audit.reposDir());
        } catch (AuditInputException e) {
            meters.gauge(Meters.AUDIT_FINDINGS, 1, "severity", "error");
            throw new IllegalStateException("fence audit could not read its input: " + e.getMessage(), e);
        }
        meters.gauge(Meters.AUDIT_FINDINGS, 0, "severity", "error");
        for (Severity s : Severity.values()) {
            meters.gauge(Meters.AUDIT_FINDINGS, report.count(s), "severity", s.name().toLowerCase(Locale.ROOT));
        }
        Set<String> now = new HashSet<>();
        for (Finding f : report.findings()) {
            String id = f.severity() + " " + f.code() + " " + f.source() + (f.fingerprint() == null ? "" : " " + f.fingerprint());
            now.add(id);
            if (previous != null && !previous.contains(id)) {
                LOG.warn("fence audit: new finding {}: {}", id, f.message());
            } else if (previous == null && f.severity() != Severity.INFO) {
                LOG.warn("fence audit: {}: {}", id, f.message());
            }
        }
        if (previous != null) {
            previous.stream().filter(id -> !now.contains(id)).forEach(id -> LOG.info("fence audit: finding gone: {}", id));
        }
        previous = now;
    }
}
