package io.segvault.core.replicate;

import io.segvault.core.borg.BorgRepository;
import io.segvault.core.borg.ControlFile;
import io.segvault.core.borg.Inspection;
import io.segvault.core.borg.KnownSegment;
import io.segvault.core.borg.SegmentFile;
import io.segvault.core.borg.SegmentSpool;
import io.segvault.core.borg.Snapshot;
import io.segvault.core.borg.TamperDetector;
import io.segvault.core.borg.TamperEvent;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.ledger.PointRecord;
import io.segvault.core.ledger.UploadedObject;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.manifest.StoredPoint;
import io.segvault.core.metrics.Meters;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.store.ForeignObjectException;
import io.segvault.core.store.IntegrityException;
import io.segvault.core.store.ObjectConflictException;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.ObjectStoreException;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.Retention;
import io.segvault.core.store.StoredObject;
import io.segvault.core.store.ObjectVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication pipeline for one repository pass: snapshot the committed transaction T, find what is
 * not yet offsite, upload it (bounded concurrency, each object put-once, locked and verified), then
 * write the restore point for T chained to the previous one. Thread-safe; passes of different
 * repositories may run at once and share the upload pool and the in-flight set.
 */
public final class Replicator {

    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);
    private static final int SNAPSHOT_ATTEMPTS = 5;

    private final ObjectStore store;
    private final Ledger ledger;
    private final BucketLayout layout;
    private final RetentionPolicy retention;
    private final TamperDetector detector;
    private final Meters meters;
    private final Clock clock;
    private final Path scratchRoot;
    private final ExecutorService uploads;
    private final Throttle throttle;
    private final long maxIndexSize;
    private final OffsiteIndex offsite;
    private final IdentityGuard identity;
    private final PointEncoder points;
    private final Map<String, CompletableFuture<UploadedObject>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> listings = new ConcurrentHashMap<>();

    /** Collaborators of a replicator; built by the agent's wiring. */
    public record Parts(ObjectStore store, Ledger ledger, BucketLayout layout, RetentionPolicy retention, TamperDetector detector,
                        Meters meters, Clock clock, Path scratchRoot, ExecutorService uploads) {
    }

    public Replicator(Parts parts, long maxBandwidth, long maxIndexSize) {
        this.store = parts.store();
        this.ledger = parts.ledger();
        this.layout = parts.layout();
        this.retention = parts.retention();
        this.detector = parts.detector();
        this.meters = parts.meters();
        this.clock = parts.clock();
        this.scratchRoot = parts.scratchRoot();
        this.uploads = parts.uploads();
        this.throttle = new Throttle(maxBandwidth);
        this.maxIndexSize = maxIndexSize;
        this.offsite = new OffsiteIndex(ledger, meters, 500_000);
        this.identity = new IdentityGuard(store, ledger, layout, retention, clock, e -> recordEvents(List.of(e)));
        this.points = new PointEncoder(store, layout);
    }

    /**
     * Keys a listing of {@code repo}'s prefix has just returned (the ledger was rebuilt from it, under the state lock):
     * the first snapshot of the next pass writes keys not among them without asking the bucket first.
     */
    public void trustListing(String repo, Set<String> listedKeys) {
        listings.put(repo, Set.copyOf(listedKeys));
    }

    /** One full pass of one repository; returns when T has a verified restore point offsite. */
    public SyncResult sync(String repo, Path path) {
        Instant start = clock.instant();
        try {
            SyncResult r = syncOnce(repo, path, start);
            meters.count(Meters.SYNC_RUNS, 1, "repo", repo, "outcome", "ok");
            meters.gauge(Meters.REPO_UP, 1, "repo", repo);
            return r;
        } catch (RuntimeException e) {
            meters.count(Meters.SYNC_RUNS, 1, "repo", repo, "outcome", "error");
            meters.gauge(Meters.REPO_UP, 0, "repo", repo);
            throw e;
        }
    }

    private SyncResult syncOnce(String repo, Path path, Instant start) {
        BorgRepository borg = BorgRepository.open(path);
        String repoId = borg.readConfig().id();
        identity.ensure(repo, repoId);
        Set<String> listed = listings.remove(repo);
        for (int attempt = 1; ; attempt++) {
            Path scratch = newScratch(repo);
            try {
                // only the first attempt may trust the listing: a failed one may have written some keys
                return replicate(new Batch(repo, attempt == 1 ? listed : null), borg, repoId, scratch, start);
            } catch (SnapshotMovedException e) {
                if (attempt >= SNAPSHOT_ATTEMPTS) {
                    throw new ReplicationException(repo, "the repository kept changing under the snapshot (" + e.getMessage()
                            + "); will try again on the next pass", false, e);
                }
                LOG.info("{}: {}; taking a new snapshot", repo, e.getMessage());
            } finally {
                io.segvault.core.util.FileTree.deleteQuietly(scratch);
            }
        }
    }

    private SyncResult replicate(Batch batch, BorgRepository borg, String repoId, Path scratch, Instant start) {
        String repo = batch.repo;
        Snapshot snap = borg.snapshot(scratch);
        long t = snap.transaction();
        boolean done = ledger.point(repo, t).isPresent();
        Map<Long, SegmentFile> files = new HashMap<>();
        snap.segments().forEach(s -> files.put(s.number(), s));
        List<CompletableFuture<RestorePoint.SegmentEntry>> segs = new ArrayList<>();
        // each segment's upload starts as soon as it is hashed, while the next one is hashed; in pull mode it reads
        // the local copy the hashing read left in the spool, if any
        SegmentSpool spool = detector.spool();
        Inspection inspection = detector.inspect(repo, snap, false, known -> {
            SegmentFile file = files.get(known.number());
            SegmentSpool.Copy copy = spool.claim(repo, file).orElse(null);
            if (done) {
                releaseCopy(spool, copy);
            } else {
                segs.add(uploadSegment(batch, file, known, copy).whenComplete((entry, failure) -> releaseCopy(spool, copy)));
            }
        });
        recordEvents(inspection.events());
        meters.gauge(Meters.COMMITTED_TXN, t, "repo", repo);
        if (done) {
            meters.gauge(Meters.PENDING_SEGMENTS, 0, "repo", repo);
            meters.gauge(Meters.PENDING_BYTES, 0, "repo", repo);
            return new SyncResult(repo, t, false, 0, 0, 0, inspection.events().size(), Duration.between(start, clock.instant()));
        }
        List<CompletableFuture<RestorePoint.ControlEntry>> controls = new ArrayList<>();
        boolean indexOmitted = false;
        for (ControlFile c : snap.controls()) {
            if (c.name().startsWith("index.") && c.size() > maxIndexSize) {
                indexOmitted = true;
                LOG.info("{}: {} is {} bytes, above upload.maxIndexSize; borg rebuilds it after a restore", repo, c.name(), c.size());
                continue;
            }
            controls.add(uploadControl(batch, t, c));
        }
        meters.gauge(Meters.PENDING_SEGMENTS, batch.pendingSegments.get(), "repo", repo);
        meters.gauge(Meters.PENDING_BYTES, batch.pendingBytes.get(), "repo", repo);
        List<RestorePoint.SegmentEntry> segEntries;
        try {
            segEntries = join(repo, segs, snap);
        } catch (RuntimeException e) {
            // the control files upload from this attempt's scratch copies, deleted when it ends: a next attempt must
            // not share an upload still reading them
            CompletableFuture.allOf(controls.toArray(CompletableFuture[]::new)).handle((ok, failed) -> null).join();
            throw e;
        }
        List<RestorePoint.ControlEntry> ctlEntries = join(repo, controls, snap);
        writePoint(batch, repoId, snap, segEntries, ctlEntries, indexOmitted);
        meters.gauge(Meters.PENDING_SEGMENTS, 0, "repo", repo);
        meters.gauge(Meters.PENDING_BYTES, 0, "repo", repo);
        return new SyncResult(repo, t, true, batch.uploaded.get(), batch.bytes.get(), batch.skipped.get(),
                inspection.events().size() + batch.foreign.get(), Duration.between(start, clock.instant()));
    }

    /** Counters of one pass. */
    private static final class Batch {
        final String repo;
        final AtomicInteger uploaded = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
        final AtomicInteger pendingSegments = new AtomicInteger();
        final AtomicLong pendingBytes = new AtomicLong();
        final AtomicInteger foreign = new AtomicInteger();
        private final Set<String> listed;

        Batch(String repo, Set<String> listed) {
            this.repo = repo;
            this.listed = listed;
        }

        /** Whether a listing taken just before this pass showed {@code key} absent. */
        boolean listedAbsent(String key) {
            return listed != null && !listed.contains(key);
        }
    }

    private static void releaseCopy(SegmentSpool spool, SegmentSpool.Copy copy) {
        if (copy != null) {
            spool.release(copy);
        }
    }

    /** Uploads segment {@code s} from the server, or from {@code copy} (its bytes as the hashing read them) if not null. */
    private CompletableFuture<RestorePoint.SegmentEntry> uploadSegment(Batch batch, SegmentFile s, KnownSegment known,
                                                                       SegmentSpool.Copy copy) {
        String key = layout.segment(batch.repo, s.number(), known.sha256());
        var done = offsite.find(key, known.sha256());
        if (done.isPresent()) {
            batch.skipped.incrementAndGet();
            return CompletableFuture.completedFuture(segmentEntry(s.number(), layout.relative(batch.repo, done.get().key()), done.get()));
        }
        batch.pendingSegments.incrementAndGet();
        batch.pendingBytes.addAndGet(s.size());
        ObjectSource source = ObjectSource.ofFile(copy != null ? copy.file() : s.path(), s.size());
        return upload(batch, key, known.sha256(), source, s.path(), "segment")
                .thenApply(o -> segmentEntry(s.number(), layout.relative(batch.repo, o.key()), o));
    }

    private static RestorePoint.SegmentEntry segmentEntry(long n, String rel, UploadedObject o) {
        return new RestorePoint.SegmentEntry(n, rel, o.size(), o.sha256(), o.versionId());
    }

    private CompletableFuture<RestorePoint.ControlEntry> uploadControl(Batch batch, long t, ControlFile c) {
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
        uploads.execute(() -> {
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
        Instant t0 = clock.instant();
        Retention lock = Retention.compliance(retention.retainUntil(t0));
        try {
            StoredObject stored = putOwn(batch, new PutRequest(key, ThrottledSource.wrap(source, throttle), sha256, lock,
                    batch.listedAbsent(key)));
            UploadedObject o = new UploadedObject(batch.repo, stored.key(), stored.size(), sha256, stored.versionId(),
                    stored.retainUntil());
            offsite.record(o);
            batch.uploaded.incrementAndGet();
            batch.bytes.addAndGet(stored.size());
            meters.count(Meters.UPLOAD_BYTES, stored.size(), "repo", batch.repo, "outcome", "ok");
            meters.count(Meters.UPLOAD_OBJECTS, 1, "repo", batch.repo, "kind", kind, "outcome", "ok");
            meters.time(Meters.UPLOAD_DURATION, Duration.between(t0, clock.instant()), "kind", kind);
            return o;
        } catch (ObjectStoreException e) {
            meters.count(Meters.UPLOAD_OBJECTS, 1, "repo", batch.repo, "kind", kind, "outcome", "error");
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

    /**
     * Put-once, where a key occupied by a foreign object (bytes segvault did not write, whatever its metadata says) is a
     * tamper event and the object goes to an alternative key nobody could have predicted; the ledger remembers where.
     */
    private StoredObject putOwn(Batch batch, PutRequest request) {
        try {
            return store.putOnce(request);
        } catch (ForeignObjectException e) {
            batch.foreign.incrementAndGet();
            String alt = layout.alternative(request.key());
            recordEvents(List.of(new TamperEvent(batch.repo, TamperEvent.Kind.FOREIGN_OBJECT, -1, e.getMessage()
                    + "; written to " + alt + " instead", clock.instant())));
            StoredObject stored = store.putOnce(new PutRequest(alt, request.source(), request.sha256(), request.retention(), true));
            ledger.recordAlias(batch.repo, request.key(), alt);
            return stored;
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

    private ReplicationException classify(String repo, long t, RuntimeException e) {
        boolean fatal = e instanceof ObjectStoreException ose && !ose.retryable() && !(e instanceof ObjectConflictException);
        if (e instanceof ObjectConflictException) {
            fatal = true;
        }
        return new ReplicationException(repo, "upload for transaction " + t + " failed: " + e.getMessage(), fatal, e);
    }

    private void writePoint(Batch batch, String repoId, Snapshot snap, List<RestorePoint.SegmentEntry> segs,
                            List<RestorePoint.ControlEntry> ctls, boolean indexOmitted) {
        String repo = batch.repo;
        long t = snap.transaction();
        RestorePoint.PreviousPoint previous = ledger.points(repo).stream().filter(p -> p.transaction() < t).findFirst()
                .map(p -> new RestorePoint.PreviousPoint(p.transaction(), p.sha256())).orElse(null);
        RestorePoint point = new RestorePoint(ManifestCodec.FORMAT_VERSION, repo, repoId, t, clock.instant(),
                snap.config().segmentsPerDir(), previous, segs, ctls, indexOmitted);
        PointEncoder.Encoded encoded = points.encode(point);
        byte[] bytes = encoded.bytes();
        String sha = ManifestCodec.sha256(bytes);
        StoredObject stored = existingPoint(repo, encoded.stored()).orElse(null);
        if (stored != null) {
            sha = stored.sha256();
            point = new RestorePoint(point.formatVersion(), repo, repoId, t, stored.lastModified(), point.segmentsPerDir(),
                    previous, segs, ctls, indexOmitted);
        } else {
            Retention lock = Retention.compliance(retention.retainUntil(clock));
            stored = store.putOnce(new PutRequest(layout.point(repo, t, sha), ObjectSource.ofBytes(bytes), sha, lock, false));
        }
        String key = stored.key();
        points.written(encoded, key, sha);
        offsite.record(new UploadedObject(repo, key, stored.size(), sha, stored.versionId(), stored.retainUntil()));
        meters.count(Meters.UPLOAD_OBJECTS, 1, "repo", repo, "kind", "point", "outcome", "ok");
        ledger.recordPoint(new PointRecord(repo, t, key, sha, stored.versionId(), point.createdAt(), segs.size(), point.totalBytes()));
        List<String> live = new ArrayList<>();
        segs.forEach(s -> live.add(layout.repoPrefix(repo) + s.key()));
        ctls.forEach(c -> live.add(layout.repoPrefix(repo) + c.key()));
        live.add(key);
        live.addAll(encoded.dependsOn());
        live.add(ledger.alias(layout.repoJson(repo)).orElse(layout.repoJson(repo)));
        ledger.replaceLive(repo, live);
        meters.gauge(Meters.OFFSITE_TXN, t, "repo", repo);
        LOG.info("{}: restore point {} written ({} segments, {} objects uploaded, {} bytes)", repo, t, segs.size(),
                batch.uploaded.get(), batch.bytes.get());
    }

    /**
     * A point for the same transaction with exactly this content (previous link, identity, every entry) already in the
     * bucket: this agent wrote it in a pass that stopped before recording it. Adopting it keeps the chain linear. Any
     * other point under T is somebody else's: a tamper event (it loses to the chain rules or wins only if written first).
     */
    private Optional<StoredObject> existingPoint(String repo, StoredPoint mine) {
        long t = mine.point().transaction();
        String prefix = layout.pointsPrefix(repo) + BucketLayout.pad(t) + "-";
        for (ObjectVersion v : store.listVersions(prefix)) {
            if (v.deleteMarker() || v.size() > 256L * 1024 * 1024) {
                continue;
            }
            try (InputStream in = store.get(v.key(), v.versionId(), 0, -1)) {
                byte[] b = in.readAllBytes();
                StoredPoint other = ManifestCodec.decode(b, v.key(), repo, layout);
                String sha = ManifestCodec.sha256(b);
                if (v.key().equals(layout.point(repo, t, sha)) && mine.delta() == other.delta()
                        && mine.removed().equals(other.removed()) && sameContent(mine.point(), other.point())) {
                    LOG.info("{}: adopting restore point {} written by an earlier, interrupted pass", repo, v.key());
                    StoredObject head = store.head(v.key(), v.versionId());
                    return Optional.of(new StoredObject(head.key(), head.versionId(), head.size(), sha, head.lockMode(),
                            head.retainUntil(), head.lastModified()));
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("{}: {} is not a point of ours: {}", repo, v.key(), e.toString());
            }
            recordEvents(List.of(new TamperEvent(repo, TamperEvent.Kind.FOREIGN_OBJECT, t, v.key() + " version "
                    + v.versionId() + " is a restore point for transaction " + t + " that this agent did not "
                    + "write", clock.instant())));
        }
        return Optional.empty();
    }

    private static boolean sameContent(RestorePoint a, RestorePoint b) {
        return a.repoId().equals(b.repoId()) && a.transaction() == b.transaction() && java.util.Objects.equals(a.previous(),
                b.previous()) && a.segments().equals(b.segments()) && a.control().equals(b.control())
                && a.indexOmitted() == b.indexOmitted() && a.segmentsPerDir() == b.segmentsPerDir();
    }

    private void recordEvents(List<TamperEvent> events) {
        for (TamperEvent e : events) {
            LOG.warn("tamper event in {}: {} segment {}: {}", e.repo(), e.kind(), e.segment(), e.detail());
            ledger.recordEvent(e.repo(), e.kind().name(), e.segment(), e.detail(), e.at());
            meters.count(Meters.TAMPER_EVENTS, 1, "repo", e.repo(), "kind", e.kind().name());
        }
    }

    private Path newScratch(String repo) {
        try {
            Files.createDirectories(scratchRoot);
            return Files.createTempDirectory(scratchRoot, repo + "-");
        } catch (IOException e) {
            throw new ReplicationException(repo, "cannot create a scratch directory in " + scratchRoot + ": " + e.getMessage(), true, e);
        }
    }

    /** The snapshot no longer matches the repository (a file vanished): take a new one. */
    static final class SnapshotMovedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SnapshotMovedException(String message) {
            super(message);
        }
    }
}
