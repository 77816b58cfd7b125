package io.segvault.core.ledger;

import io.segvault.core.borg.Fingerprint;
import io.segvault.core.borg.KnownSegment;
import io.segvault.core.borg.SegmentCatalog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
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

    private final Object lock;
    private final Sql sql;

    LedgerSegmentCatalog(Object lock, Sql sql) {
        this.lock = lock;
        this.sql = sql;
    }

    @Override
    public Map<Long, KnownSegment> known(String repo) {
        synchronized (lock) {
            return sql.query("SELECT " + COLUMNS + " FROM known_segments WHERE repo = ?", ps -> ps.setString(1, repo), rs -> {
                Map<Long, KnownSegment> out = new HashMap<>();
                while (rs.next()) {
                    KnownSegment k = read(rs);
                    out.put(k.number(), k);
                }
                return out;
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
        List<KnownSegment> sorted = new ArrayList<>(segments);
        sorted.sort(Comparator.comparingLong(KnownSegment::number));
        synchronized (lock) {
            Diff diff = diff(repo, sorted);
            sql.inTransaction(() -> {
                try (PreparedStatement del = sql.prepare("DELETE FROM known_segments WHERE repo = ? AND number = ?")) {
                    for (long n : diff.gone) {
                        del.setString(1, repo);
                        del.setLong(2, n);
                        del.addBatch();
                    }
                    del.executeBatch();
                }
                try (PreparedStatement put = sql.prepare("INSERT OR REPLACE INTO known_segments (repo, " + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    for (KnownSegment k : diff.changed) {
                        bind(put, repo, k);
                        put.addBatch();
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

    /** Segments to write (new or different) and numbers to delete, by one ordered walk over the stored rows. */
    private Diff diff(String repo, List<KnownSegment> sorted) {
        return sql.query("SELECT " + COLUMNS + " FROM known_segments WHERE repo = ? ORDER BY number", ps -> ps.setString(1, repo),
                rs -> {
                    Diff d = new Diff();
                    int i = 0;
                    while (rs.next()) {
                        KnownSegment stored = read(rs);
                        while (i < sorted.size() && sorted.get(i).number() < stored.number()) {
                            d.changed.add(sorted.get(i++));
                        }
                        if (i < sorted.size() && sorted.get(i).number() == stored.number()) {
                            KnownSegment now = sorted.get(i++);
                            if (!now.equals(stored)) {
                                d.changed.add(now);
                            }
                        } else {
                            d.gone.add(stored.number());
                        }
                    }
                    d.changed.addAll(sorted.subList(i, sorted.size()));
                    return d;
                });
    }

    /** What {@link #remember} writes. */
    private static final class Diff {
        final List<KnownSegment> changed = new ArrayList<>();
        final List<Long> gone = new ArrayList<>();
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
