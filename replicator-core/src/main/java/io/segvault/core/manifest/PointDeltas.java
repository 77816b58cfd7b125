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
        List<RestorePoint.SegmentEntry> added = new ArrayList<>();
        List<Long> removed = new ArrayList<>();
        if (ascending(base.segments()) && ascending(full.segments())) {
            mergeDiff(base.segments(), full.segments(), added, removed);
        } else {
            Map<Long, RestorePoint.SegmentEntry> before = byNumber(base.segments());
            Set<Long> now = new java.util.HashSet<>();
            for (RestorePoint.SegmentEntry s : full.segments()) {
                now.add(s.n());
                if (!s.equals(before.get(s.n()))) {
                    added.add(s);
                }
            }
            before.keySet().stream().filter(n -> !now.contains(n)).forEach(removed::add);
        }
        RestorePoint d = new RestorePoint(full.formatVersion(), full.repo(), full.repoId(), full.transaction(), full.createdAt(),
                full.segmentsPerDir(), full.previous(), added, full.control(), full.indexOmitted());
        return new StoredPoint(d, true, removed);
    }

    /** {@link #diff} of two ascending lists by one walk over both (no map of either: they list every segment). */
    private static void mergeDiff(List<RestorePoint.SegmentEntry> before, List<RestorePoint.SegmentEntry> after,
                                  List<RestorePoint.SegmentEntry> added, List<Long> removed) {
        int i = 0;
        int j = 0;
        while (i < before.size() || j < after.size()) {
            RestorePoint.SegmentEntry b = i < before.size() ? before.get(i) : null;
            RestorePoint.SegmentEntry a = j < after.size() ? after.get(j) : null;
            if (a == null || b != null && b.n() < a.n()) {
                removed.add(b.n());
                i++;
            } else if (b == null || a.n() < b.n()) {
                added.add(a);
                j++;
            } else {
                if (!a.equals(b)) {
                    added.add(a);
                }
                i++;
                j++;
            }
        }
    }

    /**
     * The full point a delta stands for, given its base's full point.
     *
     * @throws ManifestException when the delta removes a segment its base does not have
     */
    public static RestorePoint apply(RestorePoint base, StoredPoint delta, String source) {
        RestorePoint d = delta.point();
        List<RestorePoint.SegmentEntry> segs;
        if (ascending(base.segments()) && ascending(d.segments()) && ascendingNumbers(delta.removed())) {
            segs = mergeApply(base, delta, source);
        } else {
            TreeMap<Long, RestorePoint.SegmentEntry> byNumber = byNumber(base.segments());
            for (long n : delta.removed()) {
                if (byNumber.remove(n) == null) {
                    throw notInBase(base, n, source);
                }
            }
            d.segments().forEach(s -> byNumber.put(s.n(), s));
            segs = new ArrayList<>(byNumber.values());
        }
        return new RestorePoint(d.formatVersion(), d.repo(), d.repoId(), d.transaction(), d.createdAt(), d.segmentsPerDir(),
                d.previous(), segs, d.control(), d.indexOmitted());
    }

    /** {@link #apply} by one walk over the base, the removed numbers and the added entries, all ascending. */
    private static List<RestorePoint.SegmentEntry> mergeApply(RestorePoint base, StoredPoint delta, String source) {
        List<RestorePoint.SegmentEntry> before = base.segments();
        List<RestorePoint.SegmentEntry> add = delta.point().segments();
        List<Long> removed = delta.removed();
        List<RestorePoint.SegmentEntry> out = new ArrayList<>(before.size() + add.size());
        int r = 0;
        int j = 0;
        for (RestorePoint.SegmentEntry b : before) {
            if (r < removed.size() && removed.get(r) < b.n()) {
                throw notInBase(base, removed.get(r), source);
            }
            boolean gone = r < removed.size() && removed.get(r) == b.n();
            if (gone) {
                r++;
            }
            while (j < add.size() && add.get(j).n() < b.n()) {
                out.add(add.get(j++));
            }
            if (j < add.size() && add.get(j).n() == b.n()) {
                out.add(add.get(j++)); // replaces the base's entry (also when the delta removed it: the delta adds it back)
            } else if (!gone) {
                out.add(b);
            }
        }
        if (r < removed.size()) {
            throw notInBase(base, removed.get(r), source);
        }
        while (j < add.size()) {
            out.add(add.get(j++));
        }
        return out;
    }

    private static ManifestException notInBase(RestorePoint base, long n, String source) {
        return new ManifestException(source, "removes segment " + n + ", which its base point " + base.transaction()
                + " does not have", null);
    }

    private static boolean ascending(List<RestorePoint.SegmentEntry> segments) {
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i - 1).n() >= segments.get(i).n()) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascendingNumbers(List<Long> numbers) {
        for (int i = 1; i < numbers.size(); i++) {
            if (numbers.get(i - 1) >= numbers.get(i)) {
                return false;
            }
        }
        return true;
    }

    private static TreeMap<Long, RestorePoint.SegmentEntry> byNumber(List<RestorePoint.SegmentEntry> segments) {
        TreeMap<Long, RestorePoint.SegmentEntry> m = new TreeMap<>();
        segments.forEach(s -> m.put(s.n(), s));
        return m;
    }
}
