package io.segvault.core.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The restore points written for each repository, by committed transaction. */
final class PointTable {

    private static final String SELECT = "SELECT repo, txn, key, sha256, version_id, created_at, segments, bytes FROM points";

    private final Sql sql;

    PointTable(Sql sql) {
        this.sql = sql;
    }

    void record(PointRecord p) {
        sql.update("INSERT OR REPLACE INTO points (repo, txn, key, sha256, version_id, created_at, segments, bytes) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, p.repo());
                    ps.setLong(2, p.transaction());
                    ps.setString(3, p.key());
                    ps.setString(4, p.sha256());
                    ps.setString(5, p.versionId());
                    ps.setLong(6, p.createdAt().toEpochMilli());
                    ps.setInt(7, p.segments());
                    ps.setLong(8, p.bytes());
                });
    }

    Optional<PointRecord> point(String repo, long transaction) {
        return sql.query(SELECT + " WHERE repo = ? AND txn = ?", ps -> {
            ps.setString(1, repo);
            ps.setLong(2, transaction);
        }, PointTable::first);
    }

    Optional<PointRecord> newest(String repo) {
        return sql.query(SELECT + " WHERE repo = ? ORDER BY txn DESC LIMIT 1", ps -> ps.setString(1, repo), PointTable::first);
    }

    List<PointRecord> points(String repo) {
        return sql.query(SELECT + " WHERE repo = ? ORDER BY txn DESC", ps -> ps.setString(1, repo), rs -> {
            List<PointRecord> out = new ArrayList<>();
            while (rs.next()) {
                out.add(read(rs));
            }
            return out;
        });
    }

    private static Optional<PointRecord> first(ResultSet rs) throws SQLException {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
    }

    private static PointRecord read(ResultSet rs) throws SQLException {
        return new PointRecord(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7), rs.getLong(8));
    }
}
