package io.segvault.core.replicate;

import io.segvault.core.borg.ControlFile;
import io.segvault.core.borg.KnownSegment;
import io.segvault.core.borg.SegmentFile;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.UploadedObject;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.metrics.RepoMetrics;
import io.segvault.core.store.IntegrityException;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.ObjectStoreException;
import io.segvault.core.store.StoredObject;
import io.segvault.core.util.Throttle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uploads of every pass: what is already offsite is skipped, the rest runs on the upload pool (bounded
 * concurrency, all bytes through one {@link Throttle}), each object put-once, locked and verified, and an upload of a
 * key already in flight is shared. Thread-safe; passes of different repositories share one queue.
 */
public final class UploadQueue {

    private static final Logger LOG = LoggerFactory.getLogger(UploadQueue.class);

    private final LockedWriter writer;
    private final OffsiteIndex offsite;
    private final BucketLayout layout;
    private final ExecutorService pool;
    private final Throttle throttle;
    private final RepoMetrics metrics;
    private final Map<String, CompletableFuture<UploadedObject>> inFlight = new ConcurrentHashMap<>();

    public UploadQueue(LockedWriter writer, OffsiteIndex offsite, BucketLayout layout, ExecutorService pool, Throttle throttle,
                       RepoMetrics metrics) {
        this.writer = writer;
        this.offsite = offsite;
        this.layout = layout;
        this.pool = pool;
        this.throttle = throttle;
        this.metrics = metrics;
    }

    /**
     * Uploads segment {@code s} from the server, or from {@code copy} (its bytes as the hashing read them) if not null; a
     * {@code prior} entry (the previous point's, or null) with the same size and SHA-256 is taken as it is.
     */
    CompletableFuture<RestorePoint.SegmentEntry> segment(Batch batch, SegmentFile s, KnownSegment known,
                                                         RestorePoint.SegmentEntry prior, Path copy) {
        if (prior != null && prior.size() == known.size() && prior.sameSha256(known.sha256())) {
            batch.skipped.incrementAndGet();
            metrics.skipped("point");
            return CompletableFuture.completedFuture(prior);
        }
        String key = layout.segment(batch.repo, s.number(), known.sha256());
        var done = offsite.find(key, known.sha256());
        if (done.isPresent()) {
            batch.skipped.incrementAndGet();
            return CompletableFuture.completedFuture(segmentEntry(s.number(), layout.relative(batch.repo, done.get().key()), done.get()));
        }
        batch.pendingSegments.incrementAndGet();
        batch.pendingBytes.addAndGet(s.size());
        ObjectSource source = ObjectSource.ofFile(copy != null ? copy : s.path(), s.size());
        return upload(batch, key, known.sha256(), source, s.path(), "segment")
                .thenApply(o -> segmentEntry(s.number(), layout.relative(batch.repo, o.key()), o));
    }

    private static RestorePoint.SegmentEntry segmentEntry(long n, String rel, UploadedObject o) {
        return new RestorePoint.SegmentEntry(n, rel, o.size(), o.sha256(), o.versionId());
    }

    /** Uploads control file {@code c} of transaction {@code t} from its scratch copy. */
    CompletableFuture<RestorePoint.ControlEntry> control(Batch batch, long t, ControlFile c) {
        String key = layout.control(batch.repo, t, c.name());
        var done = offsite.find(key, c.sha256());
        if (done.isPresent()) {
            batch.skipped.incrementAndGet();
            return CompletableFuture.completedFuture(new RestorePoint.ControlEntry(c.name(),
                    layout.relative(batch.repo, done.get().key()), c.size(), c.sha256(), done.get().versionId()));
        }
        return upload(batch, key, c.sha256(), ObjectSource.ofFile(c.copy(), c.size()), null, "control")
                .thenApply(o -> new RestorePoint.ControlEntry(c.name(), layout.relative(batch.repo, o.key()), o.size(), o.sha256(),
                        o.versionId()));
    }

    /** Uploads one object, sharing an upload of the same key already in flight. */
    private CompletableFuture<UploadedObject> upload(Batch batch, String key, String sha256, ObjectSource source, Path origin,
                                                     String kind) {
        CompletableFuture<UploadedObject> created = new CompletableFuture<>();
        CompletableFuture<UploadedObject> existing = inFlight.putIfAbsent(key, created);
        if (existing != null) {
            return existing;
        }
        pool.execute(() -> {
            try {
                created.complete(put(batch, key, sha256, source, origin, kind));
            } catch (RuntimeException e) {
                created.completeExceptionally(e);
            } finally {
                inFlight.remove(key, created);
            }
        });
        return created;
    }

    private UploadedObject put(Batch batch, String key, String sha256, ObjectSource source, Path origin, String kind) {
        long t0 = System.nanoTime();
        try {
            StoredObject stored = writer.putOwn(batch.repo, key, sha256, ThrottledSource.wrap(source, throttle),
                    batch.listedAbsent(key), "written to", batch.foreign::incrementAndGet);
            UploadedObject o = new UploadedObject(batch.repo, stored.key(), stored.size(), sha256, stored.versionId(),
                    stored.retainUntil());
            offsite.record(o);
            batch.uploaded.incrementAndGet();
            batch.bytes.addAndGet(stored.size());
            metrics.uploaded(batch.repo, kind, stored.size(), Duration.ofNanos(System.nanoTime() - t0));
            return o;
        } catch (ObjectStoreException e) {
            metrics.uploadFailed(batch.repo, kind);
            if (origin != null && !Files.exists(origin)) {
                throw new SnapshotMovedException(origin + " vanished during the upload (borg compact?)");
            }
            if (e instanceof IntegrityException && origin != null && !source.describe().equals(origin.toString())) {
                // the spool copy is not what the hashing read from the server: nothing went offsite; the next snapshot
                // uploads this segment straight from the server (its hash is catalogued, so it is not copied again)
                LOG.warn("{}: the spooled copy of {} changed on the local disk before its upload: {}", batch.repo, origin,
                        e.getMessage());
                throw new SnapshotMovedException("the spooled copy " + source.describe() + " of " + origin
                        + " did not hash to the SHA-256 read from the server");
            }
            throw e;
        }
    }
}
