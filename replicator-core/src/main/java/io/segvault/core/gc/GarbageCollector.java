package io.segvault.core.gc;

import io.segvault.core.manifest.ManifestException;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.PointRef;
import io.segvault.core.store.LockMode;
import io.segvault.core.store.ObjectDeleter;
import io.segvault.core.store.ObjectReader;
import io.segvault.core.store.ObjectStoreException;
import io.segvault.core.store.ObjectVersion;
import io.segvault.core.store.StoredObject;
import io.segvault.core.witness.TrustedPoints;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code segvault gc}, for the witness host, whose credential alone may delete versions: deletes object versions whose
 * lock has expired and that no protected restore point names. Protected are the newest consistent point, the newest point
 * the trusted witness attested, every point written within the keep window, their objects, and repo.json. A version
 * still locked is never attempted (it is checked with HEAD first); the server would refuse it anyway.
 */
public final class GarbageCollector {

    private final ObjectReader store;
    private final ObjectDeleter deleter;
    private final PointCatalog catalog;
    private final TrustedPoints trust;
    private final Clock clock;

    /** Without a witness (tests of the chain rules). */
    public GarbageCollector(ObjectReader store, ObjectDeleter deleter, PointCatalog catalog, Clock clock) {
        this(store, deleter, TrustedPoints.chainOnly(catalog), clock);
    }

    public GarbageCollector(ObjectReader store, ObjectDeleter deleter, TrustedPoints trust, Clock clock) {
        this.store = store;
        this.deleter = deleter;
        this.catalog = trust.catalog();
        this.trust = trust;
        this.clock = clock;
    }

    /** One version gc would delete. */
    public record Candidate(String key, String versionId, long size, Instant retainUntil) {
    }

    /** What gc found (and, unless dry-run, did). */
    public record Result(String repo, List<Candidate> deleted, int keptLocked, int keptReferenced, List<String> errors) {
    }

    public Result run(String repo, Duration keepWindow, boolean dryRun) {
        Instant now = clock.instant();
        Set<String> protectedVersions = protectedVersions(repo, now.minus(keepWindow));
        List<Candidate> deleted = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int locked = 0;
        int referenced = 0;
        String repoJson = catalog.layout().repoJson(repo);
        for (ObjectVersion v : store.listVersions(catalog.layout().repoPrefix(repo))) {
            if (v.deleteMarker() || isIdentity(v.key(), repoJson) || protectedVersions.contains(v.key() + "@" + v.versionId())) {
                referenced += v.deleteMarker() ? 0 : 1;
                continue;
            }
            StoredObject head = store.head(v.key(), v.versionId());
            if (head.lockMode() != LockMode.NONE && head.retainUntil() != null && !head.retainUntil().isBefore(now)) {
                locked++;
                continue;
            }
            Candidate c = new Candidate(v.key(), v.versionId(), v.size(), head.retainUntil());
            if (!dryRun) {
                try {
                    deleter.deleteVersion(v.key(), v.versionId());
                } catch (ObjectStoreException e) {
                    errors.add(v.key() + " version " + v.versionId() + ": " + e.getMessage());
                    continue;
                }
            }
            deleted.add(c);
        }
        return new Result(repo, deleted, locked, referenced, errors);
    }

    private boolean isIdentity(String key, String repoJson) {
        if (key.equals(repoJson)) {
            return true;
        }
        try {
            return catalog.layout().parse(key) instanceof io.segvault.core.layout.BucketLayout.RepoJsonKey;
        } catch (io.segvault.core.layout.InvalidKeyException e) {
            return false;
        }
    }

    private Set<String> protectedVersions(String repo, Instant keepSince) {
        Set<String> keep = new HashSet<>();
        List<TrustedPoints.Judged> judged = trust.list(repo);
        List<PointRef> points = judged.stream().map(TrustedPoints.Judged::ref).toList();
        String base = catalog.layout().repoPrefix(repo);
        // the newest consistent point and the newest attested one are always kept; every point written within the window
        // too, consistent or not (an attacker's point can make a real one look inconsistent: gc errs on the side of keeping)
        PointRef newest = points.stream().filter(PointRef::consistent).findFirst().orElse(null);
        PointRef attested = judged.stream().filter(TrustedPoints.Judged::attested).map(TrustedPoints.Judged::ref).findFirst()
                .orElse(null);
        for (PointRef ref : points) {
            if (ref != newest && ref != attested && ref.written().isBefore(keepSince)) {
                continue;
            }
            keep.add(ref.key() + "@" + ref.versionId());
            try {
                // a delta depends on the points back to its checkpoint: they stay with it
                catalog.dependencies(ref).forEach(d -> keep.add(d.key() + "@" + d.versionId()));
                RestorePoint p = catalog.read(ref);
                p.segments().forEach(s -> keep.add(base + s.key() + "@" + s.versionId()));
                p.control().forEach(c -> keep.add(base + c.key() + "@" + c.versionId()));
            } catch (ManifestException e) {
                if (ref.consistent()) {
                    throw new IllegalStateException("gc stopped: cannot read protected point " + ref.key() + ": " + e.getMessage(), e);
                }
                // an unreadable inconsistent point names nothing; only its own version is kept
            }
        }
        return keep;
    }
}
