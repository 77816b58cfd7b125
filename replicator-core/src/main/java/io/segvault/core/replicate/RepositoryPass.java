package io.segvault.core.replicate;

import io.segvault.core.ledger.Ledger;
import io.segvault.core.metrics.Meters;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One repository's complete pass, as both {@code sync} and the daemon run it: rebuild the ledger from the
 * bucket when it knows nothing of the repository (a new or lost ledger never causes a re-upload), replicate,
 * extend the locks of live objects when a new generation started, and record the outcome for {@code status}.
 */
public final class RepositoryPass {

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryPass.class);

    private final Replicator replicator;
    private final Reconciler reconciler;
    private final RetentionKeeper keeper;
    private final Ledger ledger;
    private final Meters meters;
    private final Clock clock;
    private final Set<String> reconciled = ConcurrentHashMap.newKeySet();

    public RepositoryPass(Replicator replicator, Reconciler reconciler, RetentionKeeper keeper, Ledger ledger, Meters meters, Clock clock) {
        this.replicator = replicator;
        this.reconciler = reconciler;
        this.keeper = keeper;
        this.ledger = ledger;
        this.meters = meters;
        this.clock = clock;
    }

    public SyncResult run(String repo, Path path) {
        try {
            if (ledger.isEmpty(repo) && reconciled.add(repo)) {
                Reconciler.Result r = reconciler.rebuild(repo);
                replicator.trustListing(repo, r.listedKeys());
                if (r.segments() > 0 || r.points() > 0) {
                    LOG.info("{}: the ledger knew nothing of this repository; rebuilt it from the bucket ({} segments, {} points)",
                            repo, r.segments(), r.points());
                }
            }
            SyncResult result = replicator.sync(repo, path);
            RetentionKeeper.Result ext = keeper.extend(repo);
            if (ext.failed() > 0) {
                throw new ReplicationException(repo, ext.failed() + " live objects could not be extended to " + ext.target()
                        + " (first: " + ext.errors().get(0) + ")", false, null);
            }
            ledger.recordPass(repo, true, "transaction " + result.transaction() + " offsite", clock.instant());
            ledger.newestPoint(repo).ifPresent(p -> meters.gauge(Meters.OFFSITE_AGE,
                    java.time.Duration.between(p.createdAt(), clock.instant()).toSeconds(), "repo", repo));
            meters.gauge(Meters.LAG, 0, "repo", repo);
            return result;
        } catch (RuntimeException e) {
            try {
                ledger.recordPass(repo, false, e.getMessage(), clock.instant());
            } catch (RuntimeException ledgerFailure) {
                e.addSuppressed(ledgerFailure);
            }
            throw e;
        }
    }
}
