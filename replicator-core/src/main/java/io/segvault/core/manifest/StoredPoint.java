package io.segvault.core.manifest;

import java.util.List;

/**
 * What one point's bytes say, before any chain is consulted. A full point (format 1, 2, or a format-3 checkpoint)
 * lists every segment of its transaction; a delta (format 3) lists in {@code point.segments()} only the entries added
 * since its base ({@code point.previous()}) and in {@code removed} the numbers gone since. A delta alone never
 * determines a repository: it is materialized through the consistent chain (see docs/bucket-layout.md).
 *
 * @param point   the point's fields; for a delta, its segments are only the added entries
 * @param delta   true for a format-3 delta
 * @param removed segment numbers the delta removes from its base (ascending); empty for a full point
 */
public record StoredPoint(RestorePoint point, boolean delta, List<Long> removed) {

    public StoredPoint {
        removed = List.copyOf(removed);
    }

    /** A full point. */
    public static StoredPoint full(RestorePoint point) {
        return new StoredPoint(point, false, List.of());
    }
}
