package io.segvault.core.restore;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.manifest.StoredPoint;
import java.util.HashSet;
import java.util.Set;

/**
 * Borg's structure, judged from one point's bytes alone (no chain around it): which segments a full point lists or a
 * delta adds and removes, and that its control files are those of its transaction. Each check returns what is wrong, or
 * null.
 */
final class PointStructure {

    private PointStructure() {
    }

    /** Borg's structure: the commit's segment is listed, nothing above T, ascending, control files of T. */
    static String structureProblem(RestorePoint p, long keyTransaction) {
        long t = p.transaction();
        if (t != keyTransaction) {
            return "says transaction " + t + " under the key of transaction " + keyTransaction;
        }
        long last = -1;
        boolean commit = false;
        for (RestorePoint.SegmentEntry s : p.segments()) {
            if (s.n() <= last || s.n() > t) {
                return "lists segment " + s.n() + " out of order or above its transaction " + t;
            }
            last = s.n();
            commit |= s.n() == t;
        }
        if (!commit) {
            return "does not list segment " + t + ", the segment that holds the commit of transaction " + t;
        }
        return controlProblem(p);
    }

    /**
     * Borg's structure of a delta alone: it adds the commit's segment (new since any earlier transaction), nothing above
     * T, ascending; it removes ascending numbers below T that it does not also add; control files of T.
     */
    static String deltaProblem(StoredPoint s, long keyTransaction) {
        RestorePoint p = s.point();
        long t = p.transaction();
        if (t != keyTransaction) {
            return "says transaction " + t + " under the key of transaction " + keyTransaction;
        }
        long last = -1;
        Set<Long> added = new HashSet<>();
        for (RestorePoint.SegmentEntry e : p.segments()) {
            if (e.n() <= last || e.n() > t) {
                return "adds segment " + e.n() + " out of order or above its transaction " + t;
            }
            last = e.n();
            added.add(e.n());
        }
        if (!added.contains(t)) {
            return "does not add segment " + t + ", the segment that holds the commit of transaction " + t;
        }
        last = -1;
        for (long n : s.removed()) {
            if (n <= last || n >= t || added.contains(n)) {
                return "removes segment " + n + " out of order, at or above its transaction " + t + ", or also adds it";
            }
            last = n;
        }
        return controlProblem(p);
    }

    private static String controlProblem(RestorePoint p) {
        long t = p.transaction();
        Set<String> names = new HashSet<>();
        for (RestorePoint.ControlEntry c : p.control()) {
            String[] parts = c.key().split("/");
            if (parts.length < 2 || !parts[1].equals(BucketLayout.pad(t))) {
                return "names control file " + c.key() + ", which is not a control file of transaction " + t;
            }
            names.add(c.name());
        }
        if (!names.contains("config") || !names.contains("hints." + t)) {
            return "lacks config or hints." + t + " of transaction " + t;
        }
        return null;
    }
}
