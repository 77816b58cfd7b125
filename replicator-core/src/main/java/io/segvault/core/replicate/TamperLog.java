package io.segvault.core.replicate;

import io.segvault.core.borg.TamperEvent;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.metrics.RepoMetrics;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where replication reports tamper events: the log, the ledger (for {@code status}) and the metrics. Thread-safe. */
public final class TamperLog {

    private static final Logger LOG = LoggerFactory.getLogger(TamperLog.class);

    private final Ledger ledger;
    private final RepoMetrics metrics;
    private final Clock clock;

    public TamperLog(Ledger ledger, RepoMetrics metrics, Clock clock) {
        this.ledger = ledger;
        this.metrics = metrics;
        this.clock = clock;
    }

    public void record(List<TamperEvent> events) {
        for (TamperEvent e : events) {
            LOG.warn("tamper event in {}: {} segment {}: {}", e.repo(), e.kind(), e.segment(), e.detail());
            ledger.recordEvent(e.repo(), e.kind().name(), e.segment(), e.detail(), e.at());
            metrics.tamperEvent(e.repo(), e.kind().name());
        }
    }

    /** Records a {@code FOREIGN_OBJECT} event in {@code repo} ({@code transaction} -1 when none applies), dated now. */
    public void foreignObject(String repo, long transaction, String detail) {
        record(List.of(new TamperEvent(repo, TamperEvent.Kind.FOREIGN_OBJECT, transaction, detail, clock.instant())));
    }
}
