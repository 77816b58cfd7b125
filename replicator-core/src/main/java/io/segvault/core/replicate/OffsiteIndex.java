package io.segvault.core.replicate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.ledger.UploadedObject;
import io.segvault.core.metrics.RepoMetrics;
import java.util.Optional;

/**
 * "Is this object already offsite?" answered locally, in layers: a Caffeine cache of positive answers,
 * then the ledger. (The in-flight layer lives in {@link UploadQueue}; the last layer, asking the bucket,
 * is the store's put-once, which returns the existing version when the same bytes are already there.)
 * A sealed segment that is offsite therefore costs no request on the steady-state path.
 *
 * <p>The cache holds at most {@code upload.offsiteCacheEntries} objects (65,536 by default; about 400 bytes each: some
 * 26 MiB), whatever the size of the repository; beyond that the ledger answers (one indexed SQLite lookup).
 */
public final class OffsiteIndex {

    private final Ledger ledger;
    private final RepoMetrics metrics;
    private final Cache<String, UploadedObject> cache;

    /** {@code cacheSize}: how many positive answers the cache keeps. */
    public OffsiteIndex(Ledger ledger, RepoMetrics metrics, long cacheSize) {
        this.ledger = ledger;
        this.metrics = metrics;
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).recordStats().build();
        metrics.monitor(cache, "segvault.offsite");
    }

    /**
     * The recorded object for {@code key} if it holds {@code sha256}: at {@code key} itself, or at the alternative key
     * it was written to because {@code key} was occupied by a foreign object. The result's key is where it is stored.
     */
    Optional<UploadedObject> find(String key, String sha256) {
        Optional<UploadedObject> direct = findAt(key, sha256);
        if (direct.isPresent()) {
            return direct;
        }
        return ledger.alias(key).flatMap(stored -> findAt(stored, sha256));
    }

    private Optional<UploadedObject> findAt(String key, String sha256) {
        UploadedObject hit = cache.getIfPresent(key);
        if (hit != null && hit.sha256().equals(sha256)) {
            metrics.skipped("cache");
            return Optional.of(hit);
        }
        Optional<UploadedObject> recorded = ledger.object(key).filter(o -> o.sha256().equals(sha256));
        recorded.ifPresent(o -> {
            cache.put(o.key(), o); // the recorded key: one string per entry, not the lookup's copy beside it
            metrics.skipped("ledger");
        });
        return recorded;
    }

    /** An object a pass just uploaded (recorded without waiting for the disk: {@link Ledger#recordUpload}). */
    void record(UploadedObject o) {
        ledger.recordUpload(o);
        cache.put(o.key(), o);
    }

    /** An object the caller recorded in the ledger itself. */
    void remember(UploadedObject o) {
        cache.put(o.key(), o);
    }

    void invalidateAll() {
        cache.invalidateAll();
    }
}
