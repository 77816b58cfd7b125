package io.segvault.core.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What turns a repository's recorded live set into a new one: the keys to add and the keys to drop, found by one walk
 * over the recorded keys (in the database's key order) beside the new keys (which the caller gives in ascending order:
 * a point's control files, points and {@code repo.json} sort before its segments, and segments by their padded
 * numbers). A commit changes a few keys of a live set that lists every segment, so it writes a few rows instead of
 * deleting and inserting all of them.
 *
 * @param added keys in the new set that are not recorded
 * @param gone  recorded keys that are not in the new set
 */
record LiveSetDiff(List<String> added, List<String> gone) {

    /**
     * The difference between {@code recorded} (a result set of one key column, ascending) and {@code wanted}; null when
     * {@code wanted} is not strictly ascending (repeats aside) or a key is not ASCII, where Java's and SQLite's orders
     * could differ: the caller then replaces the whole set.
     */
    static LiveSetDiff between(ResultSet recorded, Iterator<String> keys) throws SQLException {
        List<String> added = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        Wanted wanted = new Wanted(keys);
        String want = wanted.next();
        String have = recorded.next() ? recorded.getString(1) : null;
        while (want != null || have != null) {
            int c = want == null ? 1 : have == null ? -1 : want.compareTo(have);
            if (c < 0) {
                added.add(want);
            } else if (c > 0) {
                gone.add(have);
            }
            if (c <= 0) {
                want = wanted.next();
            }
            if (c >= 0) {
                have = recorded.next() ? recorded.getString(1) : null;
            }
        }
        return wanted.unordered ? null : new LiveSetDiff(added, gone);
    }

    /** The new keys without repeats; stops (and says so) at the first key out of order or not ASCII. */
    private static final class Wanted {
        private final Iterator<String> keys;
        private String previous;
        private boolean unordered;

        Wanted(Iterator<String> keys) {
            this.keys = keys;
        }

        String next() {
            while (!unordered && keys.hasNext()) {
                String k = keys.next();
                if (k.equals(previous)) {
                    continue;
                }
                if (!ascii(k) || previous != null && k.compareTo(previous) < 0) {
                    unordered = true;
                    return null;
                }
                previous = k;
                return k;
            }
            return null;
        }
    }

    private static boolean ascii(String key) {
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
