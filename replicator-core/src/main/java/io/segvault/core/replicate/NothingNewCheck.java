package io.segvault.core.replicate;

import io.segvault.core.borg.BorgRepository;
import io.segvault.core.borg.KnownSegments;
import io.segvault.core.borg.SegmentCatalog;
import io.segvault.core.borg.SegmentList;
import io.segvault.core.metrics.RepoMetrics;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The short cut of a repeated pass that finds nothing new (the daemon's rescans). After each successful full pass
 * of a repository it remembers the committed transaction T (whose restore point is then offsite), the Borg
 * repository id and the fingerprint (size, modification time, inode) of every sealed segment {@code <= T} that the
 * tamper detector accepted. A later pass is "nothing new" only when the repository shows exactly that: the same
 * committed T, the same id, and the same set of segments {@code <= T} with the same fingerprints, read again from
 * the file system (one listing, one {@code stat} per segment, T read before and after). Then there is nothing to
 * upload, no restore point to write and nothing the tamper detector would report, so the snapshot (copies of the
 * control files), the catalog read and the identity check are skipped.
 *
 * <p>Anything else, a new commit, a new, rewritten or vanished segment, another repository id, an unreadable
 * repository or no remembered pass, answers "not known to be unchanged" and the caller runs the full pass, which
 * detects and reports it as before. A failed pass must {@link #forget} the repository. Thread-safe; passes of one
 * repository must not overlap (the daemon serialises them).
 */
public final class NothingNewCheck {

    private static final Logger LOG = LoggerFactory.getLogger(NothingNewCheck.class);

    /** What the last successful full pass of a repository saw. */
    private record Baseline(Path path, long transaction, String repoId, KnownSegments segments) {
    }

    private final SegmentCatalog catalog;
    private final RepoMetrics metrics;
    private final Map<String, Baseline> baselines = new ConcurrentHashMap<>();

    public NothingNewCheck(SegmentCatalog catalog, RepoMetrics metrics) {
        this.catalog = catalog;
        this.metrics = metrics;
    }

    /**
     * The repository id of {@code path} now, read before a full pass so that {@link #remember} cannot take an id that
     * changed during the pass for the one the pass checked; null when it cannot be read (the pass will say why).
     */
    String repoId(Path path) {
        try {
            return BorgRepository.open(path).readConfig().id();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The committed transaction when {@code repo} at {@code path} is exactly as the last successful full pass left
     * it (its restore point is offsite; sets the metrics a pass sets); empty when a full pass is needed.
     */
    OptionalLong unchanged(String repo, Path path) {
        Baseline b = baselines.get(repo);
        if (b == null || !b.path().equals(path)) {
            return OptionalLong.empty();
        }
        try {
            BorgRepository borg = BorgRepository.open(path);
            if (!sameTransaction(borg, b) || !b.repoId().equals(borg.readConfig().id()) || !sameSegments(borg, b)
                    || !sameTransaction(borg, b)) {
                return OptionalLong.empty();
            }
        } catch (RuntimeException e) {
            LOG.debug("{}: quick check failed, running a full pass: {}", repo, e.getMessage());
            return OptionalLong.empty();
        }
        // what Replicator.replicate reports for a pass whose transaction is already offsite
        metrics.passEnded(repo, true);
        metrics.committedTransaction(repo, b.transaction());
        metrics.pending(repo, 0, 0);
        return OptionalLong.of(b.transaction());
    }

    private static boolean sameTransaction(BorgRepository borg, Baseline b) {
        OptionalLong t = borg.committedTransaction();
        return t.isPresent() && t.getAsLong() == b.transaction();
    }

    private static boolean sameSegments(BorgRepository borg, Baseline b) {
        // segments above T are written after T, not committed yet: neither the snapshot nor the detector looks at them
        SegmentList now = borg.segments().upTo(b.transaction());
        if (now.size() != b.segments().size()) {
            return false;
        }
        for (int i = 0; i < now.size(); i++) {
            if (!now.sameAs(i, b.segments(), i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Remembers what the full pass that just replicated {@code transaction} of {@code repo} saw: the tamper
     * detector's catalog (updated by that pass) and {@code repoId} as read before the pass.
     */
    void remember(String repo, Path path, long transaction, String repoId) {
        OptionalLong known = catalog.knownTransaction(repo);
        if (repoId == null || known.isEmpty() || known.getAsLong() != transaction) {
            baselines.remove(repo);
            return;
        }
        baselines.put(repo, new Baseline(path, transaction, repoId, KnownSegments.of(catalog.known(repo))));
    }

    /** Drops what was remembered of {@code repo}: its next pass is a full one. */
    void forget(String repo) {
        baselines.remove(repo);
    }
}
