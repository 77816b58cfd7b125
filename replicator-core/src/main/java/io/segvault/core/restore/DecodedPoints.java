package io.segvault.core.restore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Supplier;

/**
 * Point versions a catalog decoded lately, by key and version (a version's bytes never change), up to {@value #ENTRIES}
 * segment entries in all: judging the chain, finding a point's dependencies and materializing it read the same
 * checkpoint, which is then decoded once per process. Only well-formed points are kept, and none larger than the bound
 * (memory stays bounded at any repository size; a larger point is decoded each time, as before). Thread-safe.
 */
final class DecodedPoints {

    /** Segment entries kept (some 20 MiB). */
    static final int ENTRIES = 131_072;

    private final Cache<String, PointCatalog.Decoded> cache = Caffeine.newBuilder().maximumWeight(ENTRIES)
            .weigher((String k, PointCatalog.Decoded d) -> 1 + d.point().point().segments().size()).build();

    /** The decoded version: kept, or from {@code decode} (and kept when well-formed and within the bound). */
    PointCatalog.Decoded get(String key, String versionId, Supplier<PointCatalog.Decoded> decode) {
        String id = key + "@" + versionId;
        PointCatalog.Decoded known = cache.getIfPresent(id);
        if (known != null) {
            return known;
        }
        PointCatalog.Decoded d = decode.get();
        if (d.problem() == null && d.point().point().segments().size() < ENTRIES) {
            cache.put(id, d);
        }
        return d;
    }
}
