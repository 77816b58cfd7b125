package io.segvault.core.replicate;

import io.segvault.core.manifest.RestorePoint;
import java.util.List;

/**
 * The segment entries of the previous restore point, asked for in ascending order of number: a pass takes the entry of
 * a segment whose number and SHA-256 it already names instead of asking the offsite index (one cache or ledger lookup
 * and a key spelled per segment). The entries are this agent's own: the point it wrote last, held in memory, or read
 * back through the consistent chain by the SHA-256 its ledger recorded (see {@link PointEncoder#previousSegments}).
 * Not thread-safe: one pass walks it once.
 */
final class PriorSegments {

    private final List<RestorePoint.SegmentEntry> entries;
    private int next;

    PriorSegments(List<RestorePoint.SegmentEntry> entries) {
        this.entries = entries;
    }

    static PriorSegments none() {
        return new PriorSegments(List.of());
    }

    /**
     * The entry of segment {@code n}, or null when the previous point has none. Numbers must be asked for in ascending
     * order (a number below one asked before finds nothing, which only costs the lookup this saves).
     */
    RestorePoint.SegmentEntry at(long n) {
        while (next < entries.size() && entries.get(next).n() < n) {
            next++;
        }
        return next < entries.size() && entries.get(next).n() == n ? entries.get(next) : null;
    }
}
