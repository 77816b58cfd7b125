package io.segvault.core.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Deltas between full points: what a writer names (added entries, removed numbers) and how a reader applies a delta to
 * its base. Applying checks what a delta alone cannot show: every number it removes exists in the base.
 */
public final class PointDeltas {

    /** At most this many deltas follow a checkpoint, so a point is materialized from at most K = 64 points. */
    public static final int MAX_DEPTH = 63;

    private PointDeltas() {
    }

    /** The delta that turns {@code base} into {@code full}: entries that are new or changed, numbers that are gone. */
    public static StoredPoint diff(RestorePoint base, RestorePoint full) {
        Map<Long, RestorePoint.SegmentEntry> before = byNumber(base.segments());
        List<RestorePoint.SegmentEntry> added = new ArrayList<>();
        Set<Long> now = new java.util.HashSet<>();
        for (RestorePoint.SegmentEntry s : full.segments()) {
            now.add(s.n());
            if (!s.equals(before.get(s.n()))) {
                added.add(s);
            }
        }
        List<Long> removed = before.keySet().stream().filter(n -> !now.contains(n)).toList();
        RestorePoint d = new RestorePoint(full.formatVersion(), full.repo(), full.repoId(), full.transaction(), full.createdAt(),
                full.segmentsPerDir(), full.previous(), added, full.control(), full.indexOmitted());
        return new StoredPoint(d, true, removed);
    }

    /**
     * The full point a delta stands for, given its base's full point.
     *
     * @throws ManifestException when the delta removes a segment its base does not have
     */
    public static RestorePoint apply(RestorePoint base, StoredPoint delta, String source) {
        TreeMap<Long, RestorePoint.SegmentEntry> segs = byNumber(base.segments());
        for (long n : delta.removed()) {
            if (segs.remove(n) == null) {
                throw new ManifestException(source, "removes segment " + n + ", which its base point " + base.transaction()
                        + " does not have", null);
            }
        }
        RestorePoint d = delta.point();
        d.segments().forEach(s -> segs.put(s.n(), s));
        return new RestorePoint(d.formatVersion(), d.repo(), d.repoId(), d.transaction(), d.createdAt(), d.segmentsPerDir(),
                d.previous(), new ArrayList<>(segs.values()), d.control(), d.indexOmitted());
    }

    private static TreeMap<Long, RestorePoint.SegmentEntry> byNumber(List<RestorePoint.SegmentEntry> segments) {
        TreeMap<Long, RestorePoint.SegmentEntry> m = new TreeMap<>();
        segments.forEach(s -> m.put(s.n(), s));
        return m;
    }
}
