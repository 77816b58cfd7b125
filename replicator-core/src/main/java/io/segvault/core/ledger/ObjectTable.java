package io.segvault.core.ledger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the ledger knows of objects in the bucket: each uploaded object, the alternative keys objects went to when their
 * key was occupied, the Borg repository id each name is pinned to, and the live set whose locks are extended.
 */
final class ObjectTable {

    private static final String COLUMNS = "repo, key, size, sha256, version_id, retain_until";
    private static final String INSERT = "INSERT OR REPLACE INTO objects (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)";

    private final Sql sql;

    ObjectTable(Sql sql) {
        this.sql = sql;
    }

    boolean hasAny(String repo) {
        return sql.query("SELECT 1 FROM objects WHERE repo = ? LIMIT 1", ps -> ps.setString(1, repo), ResultSet::next);
    }

    Optional<UploadedObject> object(String key) {
        return sql.query("SELECT " + COLUMNS + " FROM objects WHERE key = ?", ps -> ps.setString(1, key),
                rs -> rs.next() ? Optional.of(read(rs)) : Optional.empty());
    }

    List<UploadedObject> objects(String repo) {
        return sql.query("SELECT " + COLUMNS + " FROM objects WHERE repo = ? ORDER BY key", ps -> ps.setString(1, repo),
                ObjectTable::readAll);
    }

    void record(UploadedObject o) {
        sql.update(INSERT, ps -> bind(ps, o));
    }

    /** {@link #record} without waiting for the disk ({@link Sql#updateWithoutFlush}). */
    void recordWithoutFlush(UploadedObject o) {
        sql.updateWithoutFlush(INSERT, ps -> bind(ps, o));
    }

    private static void bind(PreparedStatement ps, UploadedObject o) throws SQLException {
        ps.setString(1, o.repo());
        ps.setString(2, o.key());
        ps.setLong(3, o.size());
        ps.setString(4, o.sha256());
        ps.setString(5, o.versionId());
        Sql.setInstant(ps, 6, o.retainUntil());
    }

    void updateRetention(String key, Instant until) {
        sql.update("UPDATE objects SET retain_until = ? WHERE key = ?", ps -> {
            Sql.setInstant(ps, 1, until);
            ps.setString(2, key);
        });
    }

    void recordPin(String repo, String repoId) {
        sql.update("INSERT OR REPLACE INTO pins (repo, repo_id) VALUES (?, ?)", ps -> {
            ps.setString(1, repo);
            ps.setString(2, repoId);
        });
    }

    Optional<String> pin(String repo) {
        return sql.query("SELECT repo_id FROM pins WHERE repo = ?", ps -> ps.setString(1, repo), ObjectTable::firstString);
    }

    void recordAlias(String repo, String key, String storedKey) {
        sql.update("INSERT OR REPLACE INTO aliases (key, repo, stored_key) VALUES (?, ?, ?)", ps -> {
            ps.setString(1, key);
            ps.setString(2, repo);
            ps.setString(3, storedKey);
        });
    }

    Optional<String> alias(String key) {
        return sql.query("SELECT stored_key FROM aliases WHERE key = ?", ps -> ps.setString(1, key), ObjectTable::firstString);
    }

    void replaceLive(String repo, Collection<String> keys) {
        sql.inTransaction(() -> replaceLiveRows(repo, keys));
    }

    /**
     * The rows of {@link #replaceLive}, inside the caller's transaction: only the difference when {@code keys} come in
     * ascending order ({@link LiveSetDiff}), else every row again.
     */
    void replaceLiveRows(String repo, Collection<String> keys) throws SQLException {
        LiveSetDiff diff = sql.query("SELECT key FROM live WHERE repo = ? ORDER BY key", ps -> ps.setString(1, repo),
                rs -> LiveSetDiff.between(rs, keys.iterator()));
        if (diff == null) {
            sql.update("DELETE FROM live WHERE repo = ?", ps -> ps.setString(1, repo));
        }
        try (PreparedStatement del = sql.prepare("DELETE FROM live WHERE repo = ? AND key = ?")) {
            liveRows(del, repo, diff == null ? List.of() : diff.gone());
        }
        try (PreparedStatement ins = sql.prepare("INSERT OR IGNORE INTO live (repo, key) VALUES (?, ?)")) {
            liveRows(ins, repo, diff == null ? keys : diff.added());
        }
    }

    private static void liveRows(PreparedStatement ps, String repo, Iterable<String> keys) throws SQLException {
        int n = 0;
        for (String k : keys) {
            ps.setString(1, repo);
            ps.setString(2, k);
            ps.addBatch();
            if (++n % 1000 == 0) {
                ps.executeBatch(); // the driver holds a batch's parameters until it runs
            }
        }
        ps.executeBatch();
    }

    List<UploadedObject> liveObjects(String repo) {
        return sql.query("SELECT o.repo, o.key, o.size, o.sha256, o.version_id, o.retain_until FROM live l JOIN objects o "
                + "ON o.key = l.key WHERE l.repo = ? ORDER BY o.key", ps -> ps.setString(1, repo), ObjectTable::readAll);
    }

    /** Up to {@code limit} recorded live objects of {@code repo} with keys after {@code afterKey} ("" for the first page). */
    List<UploadedObject> liveObjects(String repo, String afterKey, int limit) {
        return sql.query("SELECT o.repo, o.key, o.size, o.sha256, o.version_id, o.retain_until FROM live l JOIN objects o "
                + "ON o.key = l.key WHERE l.repo = ? AND l.key > ? ORDER BY l.key LIMIT ?", ps -> {
                    ps.setString(1, repo);
                    ps.setString(2, afterKey);
                    ps.setInt(3, limit);
                }, ObjectTable::readAll);
    }

    /** Whether a recorded live object of {@code repo} has no lock date or one before {@code target}. */
    boolean anyLiveLockedBefore(String repo, Instant target) {
        long bound = target.getEpochSecond() + (target.getNano() > 0 ? 1 : 0); // stored in whole seconds
        return sql.query("SELECT 1 FROM live l JOIN objects o ON o.key = l.key WHERE l.repo = ? AND (o.retain_until IS NULL "
                + "OR o.retain_until < ?) LIMIT 1", ps -> {
                    ps.setString(1, repo);
                    ps.setLong(2, bound);
                }, ResultSet::next);
    }

    /** The earliest lock date among the recorded live objects of {@code repo}, if any has one. */
    Optional<Instant> earliestLive(String repo) {
        return sql.query("SELECT MIN(o.retain_until) FROM live l JOIN objects o ON o.key = l.key WHERE l.repo = ?",
                ps -> ps.setString(1, repo), rs -> {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long until = rs.getLong(1);
                    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(until));
                });
    }

    private static Optional<String> firstString(ResultSet rs) throws SQLException {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }

    private static List<UploadedObject> readAll(ResultSet rs) throws SQLException {
        List<UploadedObject> out = new ArrayList<>();
        while (rs.next()) {
            out.add(read(rs));
        }
        return out;
    }

    private static UploadedObject read(ResultSet rs) throws SQLException {
        long until = rs.getLong(6);
        Instant retain = rs.wasNull() ? null : Instant.ofEpochSecond(until);
        return new UploadedObject(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5), retain);
    }
}
