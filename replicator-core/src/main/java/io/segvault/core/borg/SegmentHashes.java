package io.segvault.core.borg;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Segment hashing on every core, and hashes started ahead of need. {@link #hashAhead} starts hashing segment files
 * in the background (for a one-shot sync: while the bucket is checked, before the ledger exists); a later
 * {@link TamperDetector#inspect} takes such a hash only for a file with the same path and fingerprint as when its
 * hashing started, so a rewritten file is hashed again. In pull mode the hashing read of a remote segment also
 * writes it to the {@link SegmentSpool} when it fits, and the upload reads that copy. Thread-safe.
 */
public final class SegmentHashes {

    /** Segments hashed at once (the size of the hashing pool the wiring hands in): one per core, at least 2, at most 4. */
    public static final int PARALLEL = Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors()));

    /** A segment file as it was when its hashing started. */
    private record Key(Path path, Fingerprint fingerprint) {
    }

    private final Map<String, Map<Key, CompletableFuture<HashedFile>>> ahead = new ConcurrentHashMap<>();
    private final SegmentSpool spool;
    private final Executor hashers;

    /**
     * Hashing on {@code hashers} ({@link #PARALLEL} threads), copying remote segments into {@code spool} while hashing
     * them, as far as it has room ({@link SegmentSpool#NONE}: a remote segment is read to hash it and again to upload it).
     */
    public SegmentHashes(SegmentSpool spool, Executor hashers) {
        this.spool = spool;
        this.hashers = hashers;
    }

    /** Where remote segments are copied while they are hashed. */
    public SegmentSpool spool() {
        return spool;
    }

    /**
     * Starts hashing those of {@code segments} of {@code repo} that {@code wanted} accepts (e.g. not yet catalogued).
     * Remote segments are started only while the spool has room for their copies.
     */
    public void hashAhead(String repo, List<SegmentFile> segments, Predicate<SegmentFile> wanted) {
        Map<Key, CompletableFuture<HashedFile>> pending = ahead.computeIfAbsent(repo, r -> new ConcurrentHashMap<>());
        for (SegmentFile segment : segments) {
            Key key = new Key(segment.path(), segment.fingerprint());
            if (!wanted.test(segment) || pending.containsKey(key)) {
                continue;
            }
            CompletableFuture<HashedFile> started = start(repo, segment, false);
            if (started == null) {
                return; // the spool is full: the rest is hashed when the pass needs it
            }
            pending.put(key, started);
        }
    }

    /**
     * The hash started ahead for exactly this file state, or a new hashing of it; when {@code needed} is false (hashing
     * ahead of need) and the segment is remote and the spool has no room for it now, null.
     */
    CompletableFuture<HashedFile> take(String repo, SegmentFile segment, boolean needed) {
        Map<Key, CompletableFuture<HashedFile>> pending = ahead.get(repo);
        CompletableFuture<HashedFile> early = pending == null ? null
                : pending.remove(new Key(segment.path(), segment.fingerprint()));
        return early != null ? early : start(repo, segment, needed);
    }

    private CompletableFuture<HashedFile> start(String repo, SegmentFile segment, boolean needed) {
        if (!spool.applies(segment.path())) {
            return hash(segment.path());
        }
        SegmentSpool.Copy copy = needed ? spool.reserve(repo, segment) : spool.tryReserve(repo, segment);
        if (copy == null) {
            return needed ? hash(segment.path()) : null;
        }
        return CompletableFuture.supplyAsync(() -> spool.fetch(copy), hashers);
    }

    /** Forgets what was hashed ahead for {@code repo} and not taken (stale or not wanted), and drops its copies. */
    void drop(String repo) {
        ahead.remove(repo);
        spool.dropUnclaimed(repo);
    }

    CompletableFuture<HashedFile> hash(Path file) {
        return CompletableFuture.supplyAsync(() -> SegmentReader.hash(file), hashers);
    }
}
