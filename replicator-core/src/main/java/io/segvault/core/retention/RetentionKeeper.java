package io.segvault.core.retention;

import io.segvault.core.ledger.Ledger;
import io.segvault.core.ledger.UploadedObject;
import io.segvault.core.metrics.RepoMetrics;
import io.segvault.core.store.ObjectStoreException;
import io.segvault.core.store.RetentionExtender;
import io.segvault.core.store.StoredObject;
import io.segvault.core.util.Throttle;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extends the locks of live objects (those of the newest restore point, the point itself, repo.json) to
 * the current generation's date: once per generation per object, rate-limited, each failure counted and
 * reported (and tried again on the next pass).
 */
public final class RetentionKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionKeeper.class);
    /** Live objects read from the ledger at once (the live set grows with the repository; a page does not). */
    private static final int PAGE = 1000;

    private final RetentionExtender store;
    private final Ledger ledger;
    private final RetentionPolicy policy;
    private final RepoMetrics metrics;
    private final Clock clock;
    private final Throttle rate;

    /** {@code rate}: a throttle of calls per second (one token per extension). */
    public RetentionKeeper(RetentionExtender store, Ledger ledger, RetentionPolicy policy, RepoMetrics metrics, Clock clock,
                           Throttle rate) {
        this.store = store;
        this.ledger = ledger;
        this.policy = policy;
        this.metrics = metrics;
        this.clock = clock;
        this.rate = rate;
    }

    /** Outcome of one extension pass. */
    public record Result(String repo, int extended, int failed, Instant target, Instant earliest, List<String> errors) {
    }

    /** The lock date live objects get in the current generation (changes once per generation). */
    public Instant target() {
        return policy.retainUntil(clock);
    }

    /** Extends every live object of {@code repo} locked until before the current generation's date. */
    public Result extend(String repo) {
        Instant target = policy.retainUntil(clock);
        int extended = 0;
        List<String> errors = new ArrayList<>();
        String after = ledger.anyLiveLockedBefore(repo, target) ? "" : null; // none: no page to walk
        for (List<UploadedObject> page; after != null && !(page = ledger.liveObjects(repo, after, PAGE)).isEmpty(); ) {
            after = page.get(page.size() - 1).key();
            for (UploadedObject o : page) {
                // the date of the generation this call runs in (a long pass may cross into the next generation)
                target = policy.retainUntil(clock);
                if (o.retainUntil() == null || o.retainUntil().isBefore(target)) {
                    extended += extendOne(o, target, errors);
                }
            }
        }
        if (!errors.isEmpty()) {
            LOG.error("{}: {} live objects could not be extended to {} (first: {})", repo, errors.size(), target, errors.get(0));
        } else if (extended > 0) {
            LOG.info("{}: extended the lock of {} live objects to {}", repo, extended, target);
        }
        Instant earliest = earliest(repo).orElse(null);
        if (earliest != null) {
            metrics.earliestRetain(repo, earliest);
        }
        return new Result(repo, extended, errors.size(), target, earliest, errors);
    }

    /** Extends one object's lock to {@code target}; 1 when it was extended, 0 when it failed (noted in {@code errors}). */
    private int extendOne(UploadedObject o, Instant target, List<String> errors) {
        rate.acquire(1);
        try {
            StoredObject after = store.extendRetention(o.key(), o.versionId(), target);
            ledger.updateRetention(o.key(), after.retainUntil());
            metrics.retentionExtension(true);
            return 1;
        } catch (ObjectStoreException e) {
            errors.add(o.key() + ": " + e.getMessage());
            metrics.retentionExtension(false);
            return 0;
        }
    }

    /** Earliest known retain-until among the live objects of {@code repo}. */
    public Optional<Instant> earliest(String repo) {
        return ledger.earliestLive(repo);
    }
}
