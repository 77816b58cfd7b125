package io.segvault.core.borg;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * Segment hashing on every core, and hashes started ahead of need. {@link #hashAhead} starts hashing segment files
 * in the background (for a one-shot sync: while the bucket is checked, before the ledger exists); a later
 * {@link TamperDetector#inspect} takes such a hash only for a file with the same path and fingerprint as when its
 * hashing started, so a rewritten file is hashed again. Thread-safe.
 */
public final class SegmentHashes {

    /** Segments hashed at once: one per core, at least 2, at most 4. */
    static final int PARALLEL = Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors()));
    private static final ExecutorService HASHERS = Executors.newFixedThreadPool(PARALLEL, r -> {
        Thread t = new Thread(r, "segvault-hash");
        t.setDaemon(true);
        return t;
    });

    /** A segment file as it was when its hashing started. */
    private record Key(Path path, Fingerprint fingerprint) {
    }

    private final Map<String, Map<Key, CompletableFuture<HashedFile>>> ahead = new ConcurrentHashMap<>();

    /** Starts hashing those of {@code segments} of {@code repo} that {@code wanted} accepts (e.g. not yet catalogued). */
    public void hashAhead(String repo, List<SegmentFile> segments, Predicate<SegmentFile> wanted) {
        Map<Key, CompletableFuture<HashedFile>> pending = ahead.computeIfAbsent(repo, r -> new ConcurrentHashMap<>());
        for (SegmentFile segment : segments) {
            if (wanted.test(segment)) {
                pending.computeIfAbsent(new Key(segment.path(), segment.fingerprint()), k -> hash(k.path()));
            }
        }
    }

    /** The hash started ahead for exactly this file state, or a new hashing of it. */
    CompletableFuture<HashedFile> take(String repo, SegmentFile segment) {
        Map<Key, CompletableFuture<HashedFile>> pending = ahead.get(repo);
        CompletableFuture<HashedFile> early = pending == null ? null
                : pending.remove(new Key(segment.path(), segment.fingerprint()));
        return early != null ? early : hash(segment.path());
    }

    /** Forgets what was hashed ahead for {@code repo} and not taken (stale or not wanted). */
    void drop(String repo) {
        ahead.remove(repo);
    }

    static CompletableFuture<HashedFile> hash(Path file) {
        return CompletableFuture.supplyAsync(() -> SegmentReader.hash(file), HASHERS);
    }
}
