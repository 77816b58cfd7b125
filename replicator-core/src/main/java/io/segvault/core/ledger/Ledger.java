package io.segvault.core.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import io.segvault.core.borg.Fingerprint;
import io.segvault.core.borg.KnownSegment;
import io.segvault.core.borg.SegmentCatalog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.List;
import java.util.Optional;

/**
 * Local record of what is offsite: uploaded objects, restore points, known segments and tamper
 * events, in an embedded SQLite database ({@code <state>/ledger.db}, WAL journal, synchronous=FULL so a
 * record survives a crash once the call returns; the one exception is {@link #recordPass}). It is a cache of the
 * bucket: {@code segvault reconcile} rebuilds it from a bucket listing, so losing it never causes a re-upload. A ledger written by a newer
 * segvault is refused. Thread-safe (one connection, synchronized).
 */
public class Ledger implements AutoCloseable {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "ledger.db";

    protected final Path file;
    protected final Connection db;

    protected Ledger(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** Opens (creating if needed) the ledger in {@code stateDir}. */
    /**
     * Loads SQLite's native library on a background thread, so that a later {@link #open} does not wait for it
     * (about 0.1 s: sqlite-jdbc extracts the library to the temporary directory and probes the platform). Touches no
     * state directory; a failure here is left for {@link #open} to report.
     */
    public static void preloadDriver() {
        Thread t = new Thread(() -> {
            try {
                org.sqlite.SQLiteJDBCLoader.initialize();
            } catch (Exception | LinkageError e) {
                // open() loads it again and says what is wrong
            }
        }, "segvault-sqlite-load");
        t.setDaemon(true);
        t.start();
    }

    public static Ledger open(Path stateDir) {
        Path file = stateDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new LedgerException(file, "cannot be created: state directory " + stateDir + " is not writable (" + e + ")", e);
        }
        Connection c = null;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + file);
            Ledger l = new Ledger(file, c);
            l.init();
            return l;
        } catch (SQLException e) {
            closeQuietly(c);
            throw new LedgerException(file, "is unreadable or corrupt (" + e.getMessage() + "); run `segvault reconcile`: it moves "
                    + "the file aside and rebuilds the ledger from the bucket (no re-upload)", e);
        } catch (LedgerException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // already failing
        }
    }

    public Path file() {
        return file;
    }

    private void init() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = FULL");
            try (ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
                String result = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equals(result)) {
                    throw new LedgerException(file, "failed its integrity check (" + result + "); run `segvault reconcile`: it moves "
                            + "the file aside and rebuilds the ledger from the bucket (no re-upload)", null);
                }
            }
            s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
            int format = readFormat(s);
            if (format > FORMAT_VERSION) {
                throw new LedgerException(file, "has format " + format + ", written by a newer segvault; this one reads format "
                        + FORMAT_VERSION + " (upgrade segvault, or move the file away and run `segvault reconcile`)", null);
            }
            s.execute("INSERT OR IGNORE INTO meta VALUES ('format', '" + FORMAT_VERSION + "')");
            s.execute("CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, repo TEXT NOT NULL, size INTEGER NOT NULL, "
                    + "sha256 TEXT NOT NULL, version_id TEXT NOT NULL, retain_until INTEGER)");
            s.execute("CREATE INDEX IF NOT EXISTS objects_repo ON objects(repo)");
            s.execute("CREATE TABLE IF NOT EXISTS points (repo TEXT NOT NULL, txn INTEGER NOT NULL, key TEXT NOT NULL, "
                    + "sha256 TEXT NOT NULL, version_id TEXT NOT NULL, created_at INTEGER NOT NULL, segments INTEGER NOT NULL, "
                    + "bytes INTEGER NOT NULL, PRIMARY KEY (repo, txn))");
            s.execute("CREATE TABLE IF NOT EXISTS known_segments (repo TEXT NOT NULL, number INTEGER NOT NULL, size INTEGER NOT NULL, "
                    + "sha256 TEXT NOT NULL, fp_size INTEGER NOT NULL, fp_mtime INTEGER NOT NULL, fp_key TEXT, "
                    + "PRIMARY KEY (repo, number))");
            s.execute("CREATE TABLE IF NOT EXISTS known_txn (repo TEXT PRIMARY KEY, txn INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS repo_state (repo TEXT PRIMARY KEY, ok INTEGER NOT NULL, message TEXT, "
                    + "at INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS pins (repo TEXT PRIMARY KEY, repo_id TEXT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS aliases (key TEXT PRIMARY KEY, repo TEXT NOT NULL, stored_key TEXT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS live (repo TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (repo, key))");
            s.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, repo TEXT NOT NULL, kind TEXT NOT NULL, "
                    + "segment INTEGER NOT NULL, detail TEXT NOT NULL, at INTEGER NOT NULL)");
        }
    }

    private static int readFormat(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE name = 'format'")) {
            if (!rs.next()) {
                return 0;
            }
            try {
                return Integer.parseInt(rs.getString(1));
            } catch (NumberFormatException e) {
                return Integer.MAX_VALUE;
            }
        }
    }

    /** True when nothing at all is recorded for {@code repo} (a new or lost ledger: reconcile first). */
    public synchronized boolean isEmpty(String repo) {
        return query("SELECT 1 FROM objects WHERE repo = ? LIMIT 1", ps -> ps.setString(1, repo), rs -> rs.next()).equals(false)
                && points(repo).isEmpty();
    }

    public synchronized Optional<UploadedObject> object(String key) {
        return query("SELECT repo, key, size, sha256, version_id, retain_until FROM objects WHERE key = ?",
                ps -> ps.setString(1, key), rs -> rs.next() ? Optional.of(readObject(rs)) : Optional.empty());
    }

    public synchronized List<UploadedObject> objects(String repo) {
        return query("SELECT repo, key, size, sha256, version_id, retain_until FROM objects WHERE repo = ? ORDER BY key",
                ps -> ps.setString(1, repo), rs -> {
                    List<UploadedObject> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(readObject(rs));
                    }
                    return out;
                });
    }

    /** Pins {@code repo} to the Borg repository id the agent wrote its points (or claimed the name) for. */
    public synchronized void recordPin(String repo, String repoId) {
        update("INSERT OR REPLACE INTO pins (repo, repo_id) VALUES (?, ?)", ps -> {
            ps.setString(1, repo);
            ps.setString(2, repoId);
        });
    }

    /** The Borg repository id {@code repo} is pinned to, if any. */
    public synchronized Optional<String> pin(String repo) {
        return query("SELECT repo_id FROM pins WHERE repo = ?", ps -> ps.setString(1, repo),
                rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.empty());
    }

    /**
     * Records that the object for {@code key} lives at {@code storedKey} (an alternative key: {@code key} was occupied
     * by bytes segvault did not write).
     */
    public synchronized void recordAlias(String repo, String key, String storedKey) {
        update("INSERT OR REPLACE INTO aliases (key, repo, stored_key) VALUES (?, ?, ?)", ps -> {
            ps.setString(1, key);
            ps.setString(2, repo);
            ps.setString(3, storedKey);
        });
    }

    /** Where the object for {@code key} was stored instead, if {@code key} was occupied by a foreign object. */
    public synchronized Optional<String> alias(String key) {
        return query("SELECT stored_key FROM aliases WHERE key = ?", ps -> ps.setString(1, key),
                rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.empty());
    }

    /** Records (or replaces) an uploaded object. */
    public synchronized void recordObject(UploadedObject o) {
        update("INSERT OR REPLACE INTO objects (key, repo, size, sha256, version_id, retain_until) VALUES (?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, o.key());
            ps.setString(2, o.repo());
            ps.setLong(3, o.size());
            ps.setString(4, o.sha256());
            ps.setString(5, o.versionId());
            setInstant(ps, 6, o.retainUntil());
        });
    }

    public synchronized void updateRetention(String key, Instant until) {
        update("UPDATE objects SET retain_until = ? WHERE key = ?", ps -> {
            setInstant(ps, 1, until);
            ps.setString(2, key);
        });
    }

    public synchronized void recordPoint(PointRecord p) {
        update("INSERT OR REPLACE INTO points (repo, txn, key, sha256, version_id, created_at, segments, bytes) "
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

    public synchronized Optional<PointRecord> point(String repo, long transaction) {
        return query(POINT_SQL + " WHERE repo = ? AND txn = ?", ps -> {
            ps.setString(1, repo);
            ps.setLong(2, transaction);
        }, rs -> rs.next() ? Optional.of(readPoint(rs)) : Optional.empty());
    }

    public synchronized Optional<PointRecord> newestPoint(String repo) {
        return query(POINT_SQL + " WHERE repo = ? ORDER BY txn DESC LIMIT 1", ps -> ps.setString(1, repo),
                rs -> rs.next() ? Optional.of(readPoint(rs)) : Optional.empty());
    }

    /** Every point of {@code repo}, newest first. */
    public synchronized List<PointRecord> points(String repo) {
        return query(POINT_SQL + " WHERE repo = ? ORDER BY txn DESC", ps -> ps.setString(1, repo), rs -> {
            List<PointRecord> out = new ArrayList<>();
            while (rs.next()) {
                out.add(readPoint(rs));
            }
            return out;
        });
    }

    /**
     * Replaces the live set of {@code repo}: the keys whose locks are extended every generation (the objects
     * of the newest restore point, that point, repo.json).
     */
    public synchronized void replaceLive(String repo, java.util.Collection<String> keys) {
        inTransaction(() -> {
            update("DELETE FROM live WHERE repo = ?", ps -> ps.setString(1, repo));
            try (PreparedStatement ps = db.prepareStatement("INSERT OR IGNORE INTO live (repo, key) VALUES (?, ?)")) {
                for (String k : keys) {
                    ps.setString(1, repo);
                    ps.setString(2, k);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    /** The recorded objects of the live set of {@code repo} (keys without an object record are left out). */
    public synchronized List<UploadedObject> liveObjects(String repo) {
        return query("SELECT o.repo, o.key, o.size, o.sha256, o.version_id, o.retain_until FROM live l JOIN objects o "
                + "ON o.key = l.key WHERE l.repo = ? ORDER BY o.key", ps -> ps.setString(1, repo), rs -> {
                    List<UploadedObject> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(readObject(rs));
                    }
                    return out;
                });
    }

    /** Outcome of the last replication pass of a repository (for status, across processes). */
    public record PassRecord(String repo, boolean ok, String message, Instant at) {
    }

    /**
     * Records the outcome of a pass. Unlike every other write this one is not flushed to disk before it returns
     * (SQLite's synchronous=NORMAL for this statement): the daemon records every rescan, and a crash can only lose
     * the newest pass record, which the next pass writes again.
     */
    public synchronized void recordPass(String repo, boolean ok, String message, Instant at) {
        pragma("synchronous = NORMAL");
        try {
            writePass(repo, ok, message, at);
        } finally {
            pragma("synchronous = FULL");
        }
    }

    private void pragma(String setting) {
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA " + setting);
        } catch (SQLException e) {
            throw new LedgerException(file, "cannot set PRAGMA " + setting + ": " + e.getMessage(), e);
        }
    }

    private void writePass(String repo, boolean ok, String message, Instant at) {
        update("INSERT OR REPLACE INTO repo_state (repo, ok, message, at) VALUES (?, ?, ?, ?)", ps -> {
            ps.setString(1, repo);
            ps.setInt(2, ok ? 1 : 0);
            ps.setString(3, message);
            ps.setLong(4, at.toEpochMilli());
        });
    }

    public synchronized Optional<PassRecord> lastPass(String repo) {
        return query("SELECT repo, ok, message, at FROM repo_state WHERE repo = ?", ps -> ps.setString(1, repo),
                rs -> rs.next() ? Optional.of(new PassRecord(rs.getString(1), rs.getInt(2) == 1, rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4)))) : Optional.empty());
    }

    /** Appends a tamper (or other) event. */
    public synchronized void recordEvent(String repo, String kind, long segment, String detail, Instant at) {
        update("INSERT INTO events (repo, kind, segment, detail, at) VALUES (?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, repo);
            ps.setString(2, kind);
            ps.setLong(3, segment);
            ps.setString(4, detail);
            ps.setLong(5, at.toEpochMilli());
        });
    }

    /** A recorded event. */
    public record EventRecord(String repo, String kind, long segment, String detail, Instant at) {
    }

    /** The newest {@code limit} events of {@code repo}, newest first. */
    public synchronized List<EventRecord> events(String repo, int limit) {
        return query("SELECT repo, kind, segment, detail, at FROM events WHERE repo = ? ORDER BY id DESC LIMIT ?", ps -> {
            ps.setString(1, repo);
            ps.setInt(2, limit);
        }, rs -> {
            List<EventRecord> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new EventRecord(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5))));
            }
            return out;
        });
    }

    public synchronized long eventCount(String repo) {
        return query("SELECT COUNT(*) FROM events WHERE repo = ?", ps -> ps.setString(1, repo), rs -> rs.next() ? rs.getLong(1) : 0L);
    }

    /** The tamper detector's memory of sealed segments, persisted in this ledger. */
    public SegmentCatalog segmentCatalog() {
        return catalog;
    }

    private final SegmentCatalog catalog = new SegmentCatalog() {
        @Override
        public Map<Long, KnownSegment> known(String repo) {
            synchronized (Ledger.this) {
                return query("SELECT number, size, sha256, fp_size, fp_mtime, fp_key FROM known_segments WHERE repo = ?",
                        ps -> ps.setString(1, repo), rs -> {
                            Map<Long, KnownSegment> out = new HashMap<>();
                            while (rs.next()) {
                                long n = rs.getLong(1);
                                out.put(n, new KnownSegment(n, rs.getLong(2), rs.getString(3),
                                        new Fingerprint(rs.getLong(4), rs.getLong(5), rs.getString(6))));
                            }
                            return out;
                        });
            }
        }

        @Override
        public OptionalLong knownTransaction(String repo) {
            synchronized (Ledger.this) {
                return query("SELECT txn FROM known_txn WHERE repo = ?", ps -> ps.setString(1, repo),
                        rs -> rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty());
            }
        }

        @Override
        public void remember(String repo, long transaction, Collection<KnownSegment> segments) {
            synchronized (Ledger.this) {
                inTransaction(() -> {
                    update("DELETE FROM known_segments WHERE repo = ?", ps -> ps.setString(1, repo));
                    try (PreparedStatement ps = db.prepareStatement("INSERT INTO known_segments (repo, number, size, sha256, "
                            + "fp_size, fp_mtime, fp_key) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                        for (KnownSegment k : segments) {
                            ps.setString(1, repo);
                            ps.setLong(2, k.number());
                            ps.setLong(3, k.size());
                            ps.setString(4, k.sha256());
                            ps.setLong(5, k.fingerprint().size());
                            ps.setLong(6, k.fingerprint().modifiedNanos());
                            ps.setString(7, k.fingerprint().fileKey());
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    update("INSERT OR REPLACE INTO known_txn (repo, txn) VALUES (?, ?)", ps -> {
                        ps.setString(1, repo);
                        ps.setLong(2, transaction);
                    });
                });
            }
        }
    };

    /** Removes everything recorded for {@code repo} except events (before a rebuild from the bucket). */
    public synchronized void forget(String repo) {
        for (String table : List.of("objects", "aliases", "pins", "points", "live", "known_segments", "known_txn")) {
            update("DELETE FROM " + table + " WHERE repo = ?", ps -> ps.setString(1, repo));
        }
    }

    private static final String POINT_SQL = "SELECT repo, txn, key, sha256, version_id, created_at, segments, bytes FROM points";

    private static PointRecord readPoint(ResultSet rs) throws SQLException {
        return new PointRecord(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7), rs.getLong(8));
    }

    private static UploadedObject readObject(ResultSet rs) throws SQLException {
        long until = rs.getLong(6);
        Instant retain = rs.wasNull() ? null : Instant.ofEpochSecond(until);
        return new UploadedObject(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5), retain);
    }

    protected static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, java.sql.Types.INTEGER);
        } else {
            ps.setLong(i, t.getEpochSecond());
        }
    }

    /** Binds parameters. */
    protected interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Reads a result. */
    protected interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    protected <T> T query(String sql, Binder binder, Reader<T> reader) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new LedgerException(file, "query failed: " + e.getMessage(), e);
        }
    }

    protected void update(String sql, Binder binder) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new LedgerException(file, "write failed: " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction. */
    protected void inTransaction(SqlWork work) {
        try {
            db.setAutoCommit(false);
            try {
                work.run();
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new LedgerException(file, "write failed: " + e.getMessage(), e);
        }
    }

    /** Work inside a transaction. */
    protected interface SqlWork {
        void run() throws SQLException;
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new LedgerException(file, "could not be closed: " + e.getMessage(), e);
        }
    }
}
