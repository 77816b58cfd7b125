package io.segvault.core.replicate;

import io.segvault.core.ledger.Ledger;
import io.segvault.core.metrics.RepoMetrics;
import io.segvault.core.retention.RetentionKeeper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One repository's complete pass, as both {@code sync} and the daemon run it: rebuild the ledger from the
 * bucket when it knows nothing of the repository (a new or lost ledger never causes a re-upload), replicate,
 * extend the locks of live objects when a new generation started, and record the outcome for {@code status}.
 * A repeated pass that finds the repository exactly as the previous successful pass left it skips the snapshot
 * ({@link NothingNewCheck}); anything changed or vanished gets the full pass, which detects and reports it.
 */
public final class RepositoryPass {

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryPass.class);

    private final Replicator replicator;
    private final Reconciler reconciler;
    private final RetentionKeeper keeper;
    private final Ledger ledger;
    private final RepoMetrics metrics;
    private final Clock clock;
    private final Set<String> reconciled = ConcurrentHashMap.newKeySet();
    private final NothingNewCheck nothingNew;
    /** Per repository, the lock date its live objects were last all extended to. */
    private final Map<String, Instant> extendedTo = new ConcurrentHashMap<>();

    // 7 parameters: one piece per step of the pass (rebuild, quick check, replicate, extend), the ledger that records
    // it, its metrics and the time; grouping them would only bring back a record of collaborators
    public RepositoryPass(Reconciler reconciler, NothingNewCheck nothingNew, Replicator replicator, RetentionKeeper keeper,
                          Ledger ledger, RepoMetrics metrics, Clock clock) {
        this.reconciler = reconciler;
        this.nothingNew = nothingNew;
        this.replicator = replicator;
        this.keeper = keeper;
        this.ledger = ledger;
        this.metrics = metrics;
        this.clock = clock;
    }

    public SyncResult run(String repo, Path path) {
        long t0 = System.nanoTime();
        try {
            boolean empty = ledger.isEmpty(repo);
            if (empty) {
                nothingNew.forget(repo);
            }
            if (empty && reconciled.add(repo)) {
                Reconciler.Result r = reconciler.rebuild(repo);
                replicator.trustListing(repo, r.listedKeys());
                if (r.segments() > 0 || r.points() > 0) {
                    LOG.info("{}: the ledger knew nothing of this repository; rebuilt it from the bucket ({} segments, {} points)",
                            repo, r.segments(), r.points());
                }
            }
            OptionalLong unchanged = nothingNew.unchanged(repo, path);
            SyncResult result = unchanged.isPresent() ? nothingNew(repo, unchanged.getAsLong(), t0) : fullPass(repo, path);
            ledger.recordPass(repo, true, "transaction " + result.transaction() + " offsite", clock.instant());
            ledger.newestPoint(repo).ifPresent(p -> metrics.offsiteAge(repo,
                    Duration.between(p.createdAt(), clock.instant()).toSeconds()));
            metrics.lag(repo, 0);
            metrics.passDuration(repo, Duration.ofNanos(System.nanoTime() - t0), true, result.objectsUploaded() > 0);
            return result;
        } catch (RuntimeException e) {
            nothingNew.forget(repo);
            extendedTo.remove(repo);
            metrics.passDuration(repo, Duration.ofNanos(System.nanoTime() - t0), false, false);
            try {
                ledger.recordPass(repo, false, e.getMessage(), clock.instant());
            } catch (RuntimeException ledgerFailure) {
                e.addSuppressed(ledgerFailure);
            }
            throw e;
        }
    }

    private SyncResult fullPass(String repo, Path path) {
        nothingNew.forget(repo);
        String repoId = nothingNew.repoId(path);
        SyncResult result = replicator.replicate(repo, path);
        extend(repo);
        nothingNew.remember(repo, path, result.transaction(), repoId);
        return result;
    }

    /** A pass that found the repository as the last full pass left it: only a new generation's lock extension. */
    private SyncResult nothingNew(String repo, long transaction, long t0) {
        if (!keeper.target().equals(extendedTo.get(repo))) {
            extend(repo);
        }
        return new SyncResult(repo, transaction, false, 0, 0, 0, 0, Duration.ofNanos(System.nanoTime() - t0));
    }

    private void extend(String repo) {
        extendedTo.remove(repo);
        RetentionKeeper.Result ext = keeper.extend(repo);
        if (ext.failed() > 0) {
            throw new ReplicationException(repo, ext.failed() + " live objects could not be extended to " + ext.target()
                    + " (first: " + ext.errors().get(0) + ")", false, null);
        }
        extendedTo.put(repo, ext.target());
    }
}
