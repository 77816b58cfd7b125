package io.segvault.core.ledger;

import io.segvault.core.borg.Fingerprint;
import io.segvault.core.borg.KnownSegment;
import io.segvault.core.borg.KnownSegments;
import io.segvault.core.borg.SegmentCatalog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The tamper detector's memory of sealed segments, persisted in the ledger's {@code known_segments} and
 * {@code known_txn}. {@link #remember} writes only what changed since the last call (segments added, changed or
 * gone), so a pass that adds a few segments to a repository of many writes a few rows, not every segment again.
 */
final class LedgerSegmentCatalog implements SegmentCatalog {

    private static final String COLUMNS = "number, size, sha256, fp_size, fp_mtime, fp_key";
    private static final int BATCH = 1000;

    private final Object lock;
    private final Sql sql;

    LedgerSegmentCatalog(Object lock, Sql sql) {
        this.lock = lock;
        this.sql = sql;
    }

    @Override
    public Map<Long, KnownSegment> known(String repo) {
        synchronized (lock) {
            return sql.query("SELECT " + COLUMNS + " FROM known_segments WHERE repo = ? ORDER BY number",
                    ps -> ps.setString(1, repo), rs -> {
                        KnownSegments.Builder out = new KnownSegments.Builder(0);
                        while (rs.next()) {
                            out.put(read(rs));
                        }
                        return out.build();
                    });
        }
    }

    @Override
    public OptionalLong knownTransaction(String repo) {
        synchronized (lock) {
            return sql.query("SELECT txn FROM known_txn WHERE repo = ?", ps -> ps.setString(1, repo),
                    rs -> rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty());
        }
    }

    @Override
    public void remember(String repo, long transaction, Collection<KnownSegment> segments) {
        List<KnownSegment> sorted = segments instanceof List<KnownSegment> l && ascending(l) ? l : sortedCopy(segments);
        synchronized (lock) {
            Diff diff = diff(repo, sorted);
            sql.inTransaction(() -> {
                try (PreparedStatement del = sql.prepare("DELETE FROM known_segments WHERE repo = ? AND number = ?")) {
                    for (int i = 0; i < diff.gone.size(); i++) {
                        del.setString(1, repo);
                        del.setLong(2, diff.gone.getLong(i));
                        del.addBatch();
                        flushEvery(del, i);
                    }
                    del.executeBatch();
                }
                try (PreparedStatement put = sql.prepare("INSERT OR REPLACE INTO known_segments (repo, " + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    for (int i = 0; i < diff.changed.size(); i++) {
                        bind(put, repo, sorted.get(diff.changed.get(i)));
                        put.addBatch();
                        flushEvery(put, i);
                    }
                    put.executeBatch();
                }
                sql.update("INSERT OR REPLACE INTO known_txn (repo, txn) VALUES (?, ?)", ps -> {
                    ps.setString(1, repo);
                    ps.setLong(2, transaction);
                });
            });
        }
    }

    /** Runs the batch every {@value #BATCH} rows: the driver keeps a batch's parameters in memory until then. */
    private static void flushEvery(PreparedStatement ps, int i) throws SQLException {
        if ((i + 1) % BATCH == 0) {
            ps.executeBatch();
        }
    }

    private static boolean ascending(List<KnownSegment> segments) {
        if (!(segments instanceof java.util.RandomAccess)) {
            return false;
        }
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i - 1).number() >= segments.get(i).number()) {
                return false;
            }
        }
        return true;
    }

    private static List<KnownSegment> sortedCopy(Collection<KnownSegment> segments) {
        List<KnownSegment> sorted = new ArrayList<>(segments);
        sorted.sort(Comparator.comparingLong(KnownSegment::number));
        return sorted;
    }

    /** Indexes into {@code sorted} of the segments to write (new or different), and numbers to delete, by one ordered walk. */
    private Diff diff(String repo, List<KnownSegment> sorted) {
        return sql.query("SELECT " + COLUMNS + " FROM known_segments WHERE repo = ? ORDER BY number", ps -> ps.setString(1, repo),
                rs -> {
                    Diff d = new Diff();
                    int i = 0;
                    while (rs.next()) {
                        KnownSegment stored = read(rs);
                        while (i < sorted.size() && sorted.get(i).number() < stored.number()) {
                            d.changed.add(i++);
                        }
                        if (i < sorted.size() && sorted.get(i).number() == stored.number()) {
                            if (!sorted.get(i).equals(stored)) {
                                d.changed.add(i);
                            }
                            i++;
                        } else {
                            d.gone.add(stored.number());
                        }
                    }
                    while (i < sorted.size()) {
                        d.changed.add(i++);
                    }
                    return d;
                });
    }

    /** What {@link #remember} writes: indexes of rows to write and numbers to delete, without an object per row. */
    private static final class Diff {
        final LongList changed = new LongList();
        final LongList gone = new LongList();
    }

    /** A growable list of longs. */
    private static final class LongList {
        private long[] values = new long[16];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int get(int i) {
            return (int) values[i];
        }

        long getLong(int i) {
            return values[i];
        }

        int size() {
            return size;
        }
    }

    private static void bind(PreparedStatement ps, String repo, KnownSegment k) throws SQLException {
        ps.setString(1, repo);
        ps.setLong(2, k.number());
        ps.setLong(3, k.size());
        ps.setString(4, k.sha256());
        ps.setLong(5, k.fingerprint().size());
        ps.setLong(6, k.fingerprint().modifiedNanos());
        ps.setString(7, k.fingerprint().fileKey());
    }

    private static KnownSegment read(ResultSet rs) throws SQLException {
        return new KnownSegment(rs.getLong(1), rs.getLong(2), rs.getString(3),
                new Fingerprint(rs.getLong(4), rs.getLong(5), rs.getString(6)));
    }
}
