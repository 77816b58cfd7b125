package io.segvault.core.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What happened to each repository: the outcome of its last pass and the tamper (and other) events. */
final class RepoStateTable {

    private final Sql sql;

    RepoStateTable(Sql sql) {
        this.sql = sql;
    }

    /** Records the outcome of a pass without waiting for the disk (synchronous=NORMAL for this one statement). */
    void recordPass(String repo, boolean ok, String message, Instant at) {
        sql.updateWithoutFlush("INSERT OR REPLACE INTO repo_state (repo, ok, message, at) VALUES (?, ?, ?, ?)", ps -> {
            ps.setString(1, repo);
            ps.setInt(2, ok ? 1 : 0);
            ps.setString(3, message);
            ps.setLong(4, at.toEpochMilli());
        });
    }

    Optional<Ledger.PassRecord> lastPass(String repo) {
        return sql.query("SELECT repo, ok, message, at FROM repo_state WHERE repo = ?", ps -> ps.setString(1, repo),
                rs -> rs.next() ? Optional.of(new Ledger.PassRecord(rs.getString(1), rs.getInt(2) == 1, rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4)))) : Optional.empty());
    }

    void recordEvent(String repo, String kind, long segment, String detail, Instant at) {
        sql.update("INSERT INTO events (repo, kind, segment, detail, at) VALUES (?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, repo);
            ps.setString(2, kind);
            ps.setLong(3, segment);
            ps.setString(4, detail);
            ps.setLong(5, at.toEpochMilli());
        });
    }

    List<Ledger.EventRecord> events(String repo, int limit) {
        return sql.query("SELECT repo, kind, segment, detail, at FROM events WHERE repo = ? ORDER BY id DESC LIMIT ?", ps -> {
            ps.setString(1, repo);
            ps.setInt(2, limit);
        }, rs -> {
            List<Ledger.EventRecord> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Ledger.EventRecord(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5))));
            }
            return out;
        });
    }

    long eventCount(String repo) {
        return sql.query("SELECT COUNT(*) FROM events WHERE repo = ?", ps -> ps.setString(1, repo), rs -> rs.next() ? rs.getLong(1) : 0L);
    }
}
