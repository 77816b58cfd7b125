package io.segvault.core.replicate;

import io.segvault.core.borg.BorgRepository;
import io.segvault.core.borg.ControlFile;
import io.segvault.core.borg.TamperEvent;
import io.segvault.core.borg.KnownSegment;
import io.segvault.core.borg.SegmentFile;
import io.segvault.core.borg.SegmentSpool;
import io.segvault.core.borg.Snapshot;
import io.segvault.core.borg.TamperDetector;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.metrics.RepoMetrics;
import io.segvault.core.store.ObjectConflictException;
import io.segvault.core.store.ObjectStoreException;
import io.segvault.core.util.FileTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicates the committed transaction T of one repository: snapshot T, inspect it for tampering, upload what is not
 * offsite yet (each segment as soon as it is hashed, while later ones hash; see {@link UploadQueue}), wait until every
 * object is verified, then write the restore point for T chained to the previous one ({@link PointWriter}). A
 * repository that changes under the snapshot gets a new one. Thread-safe; passes of different repositories may run at
 * once and share the upload queue.
 */
public final class Replicator {

    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);
    private static final int SNAPSHOT_ATTEMPTS = 5;

    /**
     * @param scratchRoot  where snapshots copy the control files
     * @param maxIndexSize {@code index.T} files above this size are not uploaded (borg rebuilds them after a restore)
     */
    public record Settings(Path scratchRoot, long maxIndexSize) {
    }

    private final IdentityGuard identity;
    private final TamperDetector detector;
    private final UploadQueue uploads;
    private final PointWriter points;
    private final TamperLog tamper;
    private final RepoMetrics metrics;
    private final Settings settings;
    private final Map<String, Set<String>> listings = new ConcurrentHashMap<>();

    // 7 parameters: one piece per step of the pass (identity, inspection, uploads, point, tamper events), the metrics
    // and the settings; grouping them would only bring back a record of collaborators
    public Replicator(IdentityGuard identity, TamperDetector detector, UploadQueue uploads, PointWriter points, TamperLog tamper,
                      RepoMetrics metrics, Settings settings) {
        this.identity = identity;
        this.detector = detector;
        this.uploads = uploads;
        this.points = points;
        this.tamper = tamper;
        this.metrics = metrics;
        this.settings = settings;
    }

    /**
     * Keys a listing of {@code repo}'s prefix has just returned (the ledger was rebuilt from it, under the state lock):
     * the first snapshot of the next pass writes keys not among them without asking the bucket first.
     */
    public void trustListing(String repo, Set<String> listedKeys) {
        listings.put(repo, Set.copyOf(listedKeys));
    }

    /** Replicates the repository at {@code path} as {@code repo}; returns when T has a verified restore point offsite. */
    public SyncResult replicate(String repo, Path path) {
        long start = System.nanoTime();
        try {
            BorgRepository borg = BorgRepository.open(path);
            String repoId = borg.readConfig().id();
            identity.ensure(repo, repoId);
            SyncResult r = snapshotUntilStill(repo, borg, repoId, start);
            metrics.passEnded(repo, true);
            return r;
        } catch (RuntimeException e) {
            metrics.passEnded(repo, false);
            throw e;
        }
    }

    /** Replicates snapshots until one stays what it saw until its point is written. */
    private SyncResult snapshotUntilStill(String repo, BorgRepository borg, String repoId, long start) {
        Set<String> listed = listings.remove(repo);
        for (int attempt = 1; ; attempt++) {
            Path scratch = newScratch(repo);
            try {
                // only the first attempt may trust the listing: a failed one may have written some keys
                Batch batch = new Batch(repo, attempt == 1 ? listed : null);
                return replicateSnapshot(batch, borg.snapshot(scratch), repoId, start);
            } catch (SnapshotMovedException e) {
                if (attempt >= SNAPSHOT_ATTEMPTS) {
                    throw new ReplicationException(repo, "the repository kept changing under the snapshot (" + e.getMessage()
                            + "); will try again on the next pass", false, e);
                }
                LOG.info("{}: {}; taking a new snapshot", repo, e.getMessage());
            } finally {
                FileTree.deleteQuietly(scratch);
            }
        }
    }

    /** One snapshot: inspect and upload its segments, its control files, then its restore point. */
    private SyncResult replicateSnapshot(Batch batch, Snapshot snap, String repoId, long start) {
        String repo = batch.repo;
        long t = snap.transaction();
        boolean done = points.written(repo, t);
        Segments segments = uploadSegments(batch, snap, !done, done ? PriorSegments.none() : points.priorSegments(repo, t));
        List<TamperEvent> events = segments.events();
        tamper.record(events);
        metrics.committedTransaction(repo, t);
        if (done) {
            metrics.pending(repo, 0, 0);
            return new SyncResult(repo, t, false, 0, 0, 0, events.size(), since(start));
        }
        List<CompletableFuture<RestorePoint.ControlEntry>> controls = new ArrayList<>();
        List<ControlFile> toUpload = controlsToUpload(repo, snap);
        toUpload.forEach(c -> controls.add(uploads.control(batch, t, c)));
        metrics.pending(repo, batch.pendingSegments.get(), batch.pendingBytes.get());
        List<RestorePoint.SegmentEntry> segEntries;
        try {
            segEntries = join(repo, segments.uploads(), snap);
        } catch (RuntimeException e) {
            // the control files upload from this attempt's scratch copies, deleted when it ends: a next attempt must
            // not share an upload still reading them
            CompletableFuture.allOf(controls.toArray(CompletableFuture[]::new)).handle((ok, failed) -> null).join();
            throw e;
        }
        List<RestorePoint.ControlEntry> ctlEntries = join(repo, controls, snap);
        points.writePoint(batch, repoId, snap, segEntries, ctlEntries, toUpload.size() < snap.controls().size());
        metrics.pending(repo, 0, 0);
        return new SyncResult(repo, t, true, batch.uploaded.get(), batch.bytes.get(), batch.skipped.get(),
                events.size() + batch.foreign.get(), since(start));
    }

    /**
     * What the inspection of a snapshot found (its events; the inspected segments are in the detector's catalog, not kept
     * here: they grow with the repository), and the uploads of its segments under way.
     */
    private record Segments(List<TamperEvent> events, List<CompletableFuture<RestorePoint.SegmentEntry>> uploads) {
    }

    /**
     * The loop over segments: each one's upload (if {@code upload}) starts as soon as the inspection has hashed it,
     * while the next ones hash; in pull mode it reads the local copy the hashing read left in the spool, if any. A segment
     * the previous point names with the same SHA-256 takes that point's entry ({@code prior}).
     */
    private Segments uploadSegments(Batch batch, Snapshot snap, boolean upload, PriorSegments prior) {
        SegmentSpool spool = detector.spool();
        List<CompletableFuture<RestorePoint.SegmentEntry>> segs = new ArrayList<>();
        try (TamperDetector.Run inspection = detector.start(batch.repo, snap, false)) {
            for (int i = 0; inspection.hasNext(); i++) {
                KnownSegment known = inspection.next();
                SegmentFile file = snap.segments().get(i); // the run takes the snapshot's segments in order
                SegmentSpool.Copy copy = spool.claim(batch.repo, file).orElse(null);
                if (!upload) {
                    releaseCopy(spool, copy);
                    continue;
                }
                segs.add(uploads.segment(batch, file, known, prior.at(file.number()), copy == null ? null : copy.file())
                        .whenComplete((entry, failure) -> releaseCopy(spool, copy)));
            }
            return new Segments(inspection.finish().events(), segs);
        }
    }

    /** The control files of the snapshot, but an {@code index.T} above {@code upload.maxIndexSize}. */
    private List<ControlFile> controlsToUpload(String repo, Snapshot snap) {
        List<ControlFile> out = new ArrayList<>();
        for (ControlFile c : snap.controls()) {
            if (c.name().startsWith("index.") && c.size() > settings.maxIndexSize()) {
                LOG.info("{}: {} is {} bytes, above upload.maxIndexSize; borg rebuilds it after a restore", repo, c.name(), c.size());
                continue;
            }
            out.add(c);
        }
        return out;
    }

    private static void releaseCopy(SegmentSpool spool, SegmentSpool.Copy copy) {
        if (copy != null) {
            spool.release(copy);
        }
    }

    private <T> List<T> join(String repo, List<CompletableFuture<T>> futures, Snapshot snap) {
        List<T> out = new ArrayList<>(futures.size());
        RuntimeException first = null;
        for (CompletableFuture<T> f : futures) {
            try {
                out.add(f.join());
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException re ? re : e;
                if (first == null || cause instanceof SnapshotMovedException) {
                    first = cause;
                }
            }
        }
        if (first instanceof SnapshotMovedException || first == null) {
            if (first != null) {
                throw first;
            }
            return out;
        }
        throw classify(repo, snap.transaction(), first);
    }

    private static ReplicationException classify(String repo, long t, RuntimeException e) {
        boolean fatal = e instanceof ObjectStoreException ose && !ose.retryable() && !(e instanceof ObjectConflictException);
        if (e instanceof ObjectConflictException) {
            fatal = true;
        }
        return new ReplicationException(repo, "upload for transaction " + t + " failed: " + e.getMessage(), fatal, e);
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private Path newScratch(String repo) {
        Path root = settings.scratchRoot();
        try {
            Files.createDirectories(root);
            return Files.createTempDirectory(root, repo + "-");
        } catch (IOException e) {
            throw new ReplicationException(repo, "cannot create a scratch directory in " + root + ": " + e.getMessage(), true, e);
        }
    }
}
