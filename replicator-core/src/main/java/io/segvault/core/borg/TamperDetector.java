package io.segvault.core.borg;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Compares each snapshot of a repository with what the {@link SegmentCatalog} remembers and reports what borg's
 * normal operation does not explain (see {@link TamperEvent.Kind}):
 *
 * <ul>
 *   <li>{@code CONTENT_CHANGED}: a known segment has another SHA-256 under the same number. Only
 *       {@code borg check --repair} does that legitimately (it rewrites a corrupt segment).</li>
 *   <li>{@code SEGMENT_VANISHED}: a known segment is gone although the committed transaction did not advance, or
 *       the newer transaction's {@code index.T} still points into it (so no compaction removed it).</li>
 *   <li>{@code MASS_DISAPPEARANCE}: more than {@code massFraction} of the known segments vanished at once and they
 *       held more than {@code massFraction} of the known bytes, net of bytes written into new segments; reported
 *       even when a committed transaction (a compaction) explains it, and instead of the per-segment events.</li>
 * </ul>
 *
 * <p>Segments are hashed only when their {@link Fingerprint} is new or changed (several at once, ahead of the one
 * being reported), so a steady repository costs one directory listing per inspection. The catalog is updated to
 * the snapshot after every inspection, so each change is reported once. Nothing in the repository is touched.
 * Thread-safe as long as one repository is not inspected by two threads at once.
 */
public final class TamperDetector {

    private final SegmentCatalog catalog;
    private final Clock clock;
    private final double massFraction;
    private final SegmentHashes hashes;

    /**
     * @param massFraction share of known segments (and bytes) whose simultaneous disappearance is a
     *                     {@code MASS_DISAPPEARANCE}, e.g. 0.5; must be in (0, 1]
     * @param hashes       where segments are hashed, and hashes started ahead (see {@link SegmentHashes#hashAhead})
     */
    public TamperDetector(SegmentCatalog catalog, Clock clock, double massFraction, SegmentHashes hashes) {
        if (!(massFraction > 0 && massFraction <= 1)) {
            throw new IllegalArgumentException("massFraction must be in (0, 1], is " + massFraction);
        }
        this.catalog = catalog;
        this.clock = clock;
        this.massFraction = massFraction;
        this.hashes = hashes;
    }

    /** Where remote segments are copied while they are hashed (see {@link SegmentSpool#claim}). */
    public SegmentSpool spool() {
        return hashes.spool();
    }

    /**
     * Inspects {@code snapshot} of {@code repo}, hashing only segments whose fingerprint is new or changed, and
     * remembers the result in the catalog.
     *
     * @throws BorgRepositoryException when a segment to hash vanished or changed after the snapshot was taken
     *                                 (take a new snapshot and inspect again) or cannot be read
     */
    public Inspection inspect(String repo, Snapshot snapshot) {
        return inspect(repo, snapshot, false);
    }

    /**
     * As {@link #inspect(String, Snapshot)}; with {@code rehashAll} every segment is hashed again even when its
     * fingerprint is unchanged (a periodic full verification that also catches bytes changed by someone who reset
     * the modification time).
     */
    public Inspection inspect(String repo, Snapshot snapshot, boolean rehashAll) {
        try (Run run = start(repo, snapshot, rehashAll)) {
            run.forEachRemaining(k -> { });
            return run.finish();
        }
    }

    /**
     * As {@link #inspect(String, Snapshot, boolean)}, one segment at a time: the returned run yields each segment's
     * {@link KnownSegment} in snapshot order as soon as it is hashed, while later segments are being hashed, so a caller
     * can start uploading segment k while segment k+1 is hashed. Events are known once every segment was taken
     * ({@link Run#finish}). Close the run (it drops the hashes it started ahead and did not hand out).
     */
    public Run start(String repo, Snapshot snapshot, boolean rehashAll) {
        return new Run(repo, snapshot, rehashAll);
    }

    /** One inspection under way: an iterator over the snapshot's segments, then {@link #finish()}. Not thread-safe. */
    public final class Run implements Iterator<KnownSegment>, AutoCloseable {
        private final String repo;
        private final Snapshot snapshot;
        private final Map<Long, KnownSegment> known;
        private final OptionalLong knownTransaction;
        private final Instant at = clock.instant();
        private final List<TamperEvent> events = new ArrayList<>();
        private final KnownSegments.Builder current;
        private final HashAhead ahead;
        private boolean changed;
        private int next;

        private Run(String repo, Snapshot snapshot, boolean rehashAll) {
            this.repo = repo;
            this.snapshot = snapshot;
            this.known = KnownSegments.of(catalog.known(repo));
            this.current = new KnownSegments.Builder(snapshot.segments().size());
            this.knownTransaction = catalog.knownTransaction(repo);
            this.changed = knownTransaction.isEmpty() || knownTransaction.getAsLong() != snapshot.transaction()
                    || known.size() != snapshot.segments().size();
            this.ahead = new HashAhead(repo, snapshot.segments(), known, rehashAll);
        }

        @Override
        public boolean hasNext() {
            return next < snapshot.segments().size();
        }

        /** The next segment with its SHA-256 (its hash checked against the snapshot; a content change noted). */
        @Override
        public KnownSegment next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            SegmentFile segment = snapshot.segments().get(next++);
            KnownSegment prior = known.get(segment.number());
            KnownSegment now = ahead.next();
            if (prior != null && !prior.sha256().equals(now.sha256())) {
                events.add(new TamperEvent(repo, TamperEvent.Kind.CONTENT_CHANGED, segment.number(),
                        contentChanged(prior, now, knownTransaction.getAsLong(), snapshot.transaction()), at));
            }
            changed |= !now.equals(prior);
            current.put(now);
            return now;
        }

        /** After every segment was taken: the events of this inspection; the catalog now remembers the snapshot. */
        public Inspection finish() {
            if (hasNext()) {
                throw new IllegalStateException("inspection of " + repo + " finished before its last segment was taken");
            }
            close();
            KnownSegments current = this.current.build();
            if (knownTransaction.isPresent()) {
                List<KnownSegment> vanished = known.values().stream().filter(k -> !current.containsKey(k.number()))
                        .sorted(Comparator.comparingLong(KnownSegment::number)).toList();
                if (!vanished.isEmpty()) {
                    events.addAll(new VanishedSegments(repo, known, knownTransaction.getAsLong(), snapshot, massFraction, at)
                            .events(vanished));
                }
            }
            if (changed) {
                catalog.remember(repo, snapshot.transaction(), current.values());
            }
            return new Inspection(current, events);
        }

        @Override
        public void close() {
            hashes.drop(repo); // what this snapshot did not take is stale or not wanted
        }
    }

    /**
     * Known segments in snapshot order. Segments to hash are hashed up to {@link SegmentHashes#PARALLEL} ahead of the
     * one asked for, so large new segments are hashed on all cores while earlier ones upload.
     */
    private final class HashAhead {
        private final String repo;
        private final List<SegmentFile> segments;
        private final Map<Long, KnownSegment> known;
        private final boolean rehashAll;
        /** Hashes started and not taken yet, in snapshot order. */
        private final ArrayDeque<CompletableFuture<KnownSegment>> started = new ArrayDeque<>();
        private int startedCount;
        private int taken;

        HashAhead(String repo, List<SegmentFile> segments, Map<Long, KnownSegment> known, boolean rehashAll) {
            this.repo = repo;
            this.segments = segments;
            this.known = known;
            this.rehashAll = rehashAll;
        }

        KnownSegment next() {
            while (startedCount < segments.size() && startedCount <= taken + SegmentHashes.PARALLEL) {
                CompletableFuture<KnownSegment> f = start(segments.get(startedCount), startedCount == taken);
                if (f == null) {
                    break; // no room in the spool to read further ahead
                }
                started.add(f);
                startedCount++;
            }
            CompletableFuture<KnownSegment> f = started.poll();
            taken++;
            try {
                return f.join();
            } catch (CompletionException e) {
                started.forEach(other -> other.cancel(false));
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        }

        /** The segment's hash under way; null when it is not {@code needed} yet and the spool has no room for it now. */
        private CompletableFuture<KnownSegment> start(SegmentFile segment, boolean needed) {
            KnownSegment prior = known.get(segment.number());
            if (!rehashAll && prior != null && prior.fingerprint().equals(segment.fingerprint())) {
                return CompletableFuture.completedFuture(prior);
            }
            CompletableFuture<HashedFile> hashing = rehashAll ? hashes.hash(segment.path())
                    : hashes.take(repo, segment, needed);
            if (hashing == null) {
                return null;
            }
            return hashing.handle((hashed, failure) -> checked(segment, hashed, failure));
        }
    }

    /** The hash of {@code segment} if the file still is what the snapshot saw, else the failure that says why not. */
    private static KnownSegment checked(SegmentFile segment, HashedFile hashed, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        Fingerprint after;
        try {
            if (cause instanceof RuntimeException re) {
                throw re;
            } else if (cause != null) {
                throw new IllegalStateException("hashing " + segment.path() + " failed: " + cause, cause);
            }
            after = Fingerprint.read(segment.path());
        } catch (BorgRepositoryException e) {
            throw e.getCause() instanceof NoSuchFileException ? vanishedSinceSnapshot(segment, e) : e;
        } catch (NoSuchFileException e) {
            throw vanishedSinceSnapshot(segment, e);
        } catch (IOException e) {
            throw new BorgRepositoryException(segment.path(), "cannot read attributes of " + segment.path() + ": " + e, e);
        }
        if (hashed.size() != segment.size() || !after.equals(segment.fingerprint())) {
            throw new BorgRepositoryException(segment.path(), "segment " + segment.number() + " (" + segment.path()
                    + ") changed after the snapshot was taken; take a new snapshot");
        }
        return new KnownSegment(segment.number(), hashed.size(), hashed.sha256(), segment.fingerprint());
    }

    private static BorgRepositoryException vanishedSinceSnapshot(SegmentFile segment, Exception cause) {
        return new BorgRepositoryException(segment.path(), "segment " + segment.number() + " (" + segment.path()
                + ") vanished after the snapshot was taken (borg compact?); take a new snapshot", cause);
    }

    private static String contentChanged(KnownSegment prior, KnownSegment now, long knownTransaction, long transaction) {
        StringBuilder detail = new StringBuilder();
        detail.append("segment ").append(now.number()).append(" has new content under the same number: size ")
                .append(prior.size()).append(" -> ").append(now.size()).append(" bytes, sha256 ")
                .append(prior.sha256(), 0, 16).append("... -> ").append(now.sha256(), 0, 16)
                .append("...; committed transaction ").append(knownTransaction).append(" -> ").append(transaction)
                .append(". borg's own 'borg check --repair' also does this when it salvages a corrupt segment");
        if (transaction < knownTransaction) {
            detail.append("; the committed transaction went backwards, so the repository was probably restored from"
                    + " an older copy and borg reused segment numbers");
        } else {
            detail.append("; otherwise the file was modified outside borg (tampering or disk corruption)");
        }
        return detail.append(". The old content stays in the offsite copy.").toString();
    }
}
