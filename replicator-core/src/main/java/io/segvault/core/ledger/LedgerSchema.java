package io.segvault.core.ledger;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Checks an opened ledger file (integrity, format) and creates the tables it lacks. */
final class LedgerSchema {

    private static final String RECONCILE = "run `segvault reconcile`: it moves the file aside and rebuilds the ledger from "
            + "the bucket (no re-upload)";

    private LedgerSchema() {
    }

    static void init(Path file, Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = FULL");
            try (ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
                String result = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equals(result)) {
                    throw new LedgerException(file, "failed its integrity check (" + result + "); " + RECONCILE, null);
                }
            }
            // one transaction: a new ledger's tables cost one flush of the journal, not one each
            Sql.transaction(db, () -> {
                s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
                int format = readFormat(s);
                if (format > Ledger.FORMAT_VERSION) {
                    throw new LedgerException(file, "has format " + format + ", written by a newer segvault; this one reads "
                            + "format " + Ledger.FORMAT_VERSION + " (upgrade segvault, or move the file away and run `segvault "
                            + "reconcile`)", null);
                }
                s.execute("INSERT OR IGNORE INTO meta VALUES ('format', '" + Ledger.FORMAT_VERSION + "')");
                createTables(s);
            });
        }
    }

    /** The message of a ledger SQLite cannot read at all. */
    static String unreadable(SQLException e) {
        return "is unreadable or corrupt (" + e.getMessage() + "); " + RECONCILE;
    }

    private static void createTables(Statement s) throws SQLException {
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
}
