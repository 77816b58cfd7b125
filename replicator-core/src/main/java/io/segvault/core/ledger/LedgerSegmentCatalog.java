package io.segvault.core.ledger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.segvault.core.borg.Fingerprint;
import io.segvault.core.borg.KnownSegment;
import io.segvault.core.borg.KnownSegments;
import io.segvault.core.borg.SegmentCatalog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The tamper detector's memory of sealed segments, persisted in the ledger's {@code known_segments} and
 * {@code known_txn}. {@link #remember} writes only what changed since the last call (segments added, changed or
 * gone), so a pass that adds a few segments to a repository of many writes a few rows, not every segment again.
 *
 * <p>What was read or written last is kept in memory too (compact: about 80 bytes a segment, at most
 * {@value #CACHED_SEGMENTS} segments over all repositories), so the daemon's next pass of a repository neither reads
 * the catalog from the database nor reads it again to find what changed. Only this object writes these tables, and
 * one process holds the state directory (its lock), so the copy cannot go stale; {@link #forget} drops it.
 */
final class LedgerSegmentCatalog implements SegmentCatalog {

    private static final String COLUMNS = "number, size, sha256, fp_size, fp_mtime, fp_key";
    private static final int BATCH = 1000;
    /** Segments kept in memory over all repositories (about 20 MiB). */
    static final int CACHED_SEGMENTS = 262_144;

    private final Object lock;
    private final Sql sql;
    private final Cache<String, KnownSegments> cache = Caffeine.newBuilder().maximumWeight(CACHED_SEGMENTS)
            .weigher((String repo, KnownSegments k) -> Math.max(1, k.size())).build();

    LedgerSegmentCatalog(Object lock, Sql sql) {
        this.lock = lock;
        this.sql = sql;
    }

    @Override
    public Map<Long, KnownSegment> known(String repo) {
        synchronized (lock) {
            KnownSegments cached = cache.getIfPresent(repo);
            if (cached != null) {
                return cached;
            }
            KnownSegments read = sql.query("SELECT " + COLUMNS + " FROM known_segments WHERE repo = ? ORDER BY number",
                    ps -> ps.setString(1, repo), rs -> {
                        KnownSegments.Builder out = new KnownSegments.Builder(0);
                        while (rs.next()) {
                            out.put(read(rs));
                        }
                        return out.build();
                    });
            cache.put(repo, read);
            return read;
        }
    }

    /** Drops the copy in memory of {@code repo} (its rows are being deleted). */
    void forget(String repo) {
        synchronized (lock) {
            cache.invalidate(repo);
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
        KnownSegments now = KnownSegments.of(segments);
        List<KnownSegment> sorted = now.values();
        synchronized (lock) {
            KnownSegments cached = cache.getIfPresent(repo);
            cache.invalidate(repo); // until the rows are written: a failed write leaves the database to answer
            Diff diff = cached != null ? diff(cached, now) : diff(repo, sorted);
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
            cache.put(repo, now);
        }
    }

    /** {@link #diff(String, List)} against the copy in memory, comparing the compact entries without building them. */
    private static Diff diff(KnownSegments before, KnownSegments after) {
        Diff d = new Diff();
        int i = 0;
        for (int j = 0; j < before.size(); j++) {
            long stored = before.number(j);
            while (i < after.size() && after.number(i) < stored) {
                d.changed.add(i++);
            }
            if (i < after.size() && after.number(i) == stored) {
                if (!after.sameAt(i, before, j)) {
                    d.changed.add(i);
                }
                i++;
            } else {
                d.gone.add(stored);
            }
        }
        while (i < after.size()) {
            d.changed.add(i++);
        }
        return d;
    }

    /** Runs the batch every {@value #BATCH} rows: the driver keeps a batch's parameters in memory until then. */
    private static void flushEvery(PreparedStatement ps, int i) throws SQLException {
        if ((i + 1) % BATCH == 0) {
            ps.executeBatch();
        }
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
