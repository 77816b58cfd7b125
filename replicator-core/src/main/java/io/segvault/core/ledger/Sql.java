package io.segvault.core.ledger;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * The ledger's one SQLite connection and the few ways the tables use it: a query, a write, a transaction. Callers
 * hold the {@link Ledger}'s monitor (every public ledger method is synchronized on it); failures become
 * {@link LedgerException}s naming the file.
 */
final class Sql {

    /** Binds parameters. */
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Reads a result. */
    interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Work inside a transaction. */
    interface Work {
        void run() throws SQLException;
    }

    private final Path file;
    private final Connection db;

    Sql(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    Path file() {
        return file;
    }

    <T> T query(String sql, Binder binder, Reader<T> reader) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new LedgerException(file, "query failed: " + e.getMessage(), e);
        }
    }

    void update(String sql, Binder binder) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new LedgerException(file, "write failed: " + e.getMessage(), e);
        }
    }

    /**
     * {@link #update} without waiting for the disk (SQLite's synchronous=NORMAL for this one statement): the write survives
     * a crash of the process, and a power cut only until the next write that waits for the disk (the journal is written
     * in order, so that write's flush also makes this one durable).
     */
    void updateWithoutFlush(String sql, Binder binder) {
        pragma("synchronous = NORMAL");
        try {
            update(sql, binder);
        } finally {
            pragma("synchronous = FULL");
        }
    }

    /** A statement for {@code sql} to batch inside {@link #inTransaction}; the caller closes it. */
    PreparedStatement prepare(String sql) throws SQLException {
        return db.prepareStatement(sql);
    }

    /** Runs {@code work} in one transaction: all of it is written, or none. */
    void inTransaction(Work work) {
        try {
            transaction(db, work);
        } catch (SQLException e) {
            throw new LedgerException(file, "write failed: " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction on {@code db} (in autocommit mode before and after): all of it, or none. */
    static void transaction(Connection db, Work work) throws SQLException {
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
    }

    void pragma(String setting) {
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA " + setting);
        } catch (SQLException e) {
            throw new LedgerException(file, "cannot set PRAGMA " + setting + ": " + e.getMessage(), e);
        }
    }

    void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new LedgerException(file, "could not be closed: " + e.getMessage(), e);
        }
    }

    static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, java.sql.Types.INTEGER);
        } else {
            ps.setLong(i, t.getEpochSecond());
        }
    }
}
