package io.segvault.core.ledger;

import io.segvault.core.borg.SegmentCatalog;
import io.segvault.core.util.ThreadPools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Local record of what is offsite: uploaded objects, restore points, known segments and tamper
 * events, in an embedded SQLite database ({@code <state>/ledger.db}, WAL journal, synchronous=FULL so a
 * record survives a crash once the call returns; the exceptions are {@link #recordPass} and {@link #recordUpload}, which
 * the next flushed write makes durable). It is a cache of the
 * bucket: {@code segvault reconcile} rebuilds it from a bucket listing, so losing it never causes a re-upload. A
 * ledger written by a newer segvault is refused. Thread-safe (one connection; every call holds this ledger's monitor).
 *
 * <p>The tables are kept by {@link ObjectTable} (objects, aliases, pins, live set), {@link PointTable},
 * {@link RepoStateTable} (last pass, events) and {@link LedgerSegmentCatalog}; this class opens the file and is
 * their one entry point.
 */
public final class Ledger implements AutoCloseable {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "ledger.db";
    /** Name prefix in the meta table of the point about to be put, per repository. */
    private static final String INTENT = "point-intent/";

    private final Sql sql;
    private final ObjectTable objects;
    private final PointTable points;
    private final RepoStateTable state;
    private final LedgerSegmentCatalog catalog;

    private Ledger(Sql sql) {
        this.sql = sql;
        this.objects = new ObjectTable(sql);
        this.points = new PointTable(sql);
        this.state = new RepoStateTable(sql);
        this.catalog = new LedgerSegmentCatalog(this, sql);
    }

    /**
     * Loads SQLite's native library on a background thread, so that a later {@link #open} does not wait for it: from
     * the copy in {@code <state>/native} when there is a trusted one ({@link SqliteNativeCopy}), else as sqlite-jdbc
     * does (unpacked to the temporary directory, about 0.1 s), keeping a copy for the next run. Writes nothing but that
     * copy; a failure here is left for {@link #open} to report.
     */
    public static void preloadDriver(ThreadPools pools, Path stateDir) {
        pools.thread("segvault-sqlite-load", () -> {
            try {
                SqliteNativeCopy.load(stateDir);
            } catch (Exception | LinkageError e) {
                // open() loads it again and says what is wrong
            }
        }).start();
    }

    /** Opens (creating if needed) the ledger in {@code stateDir}. */
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
            LedgerSchema.init(file, c);
            return new Ledger(new Sql(file, c));
        } catch (SQLException e) {
            closeQuietly(c);
            throw new LedgerException(file, LedgerSchema.unreadable(e), e);
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
        return sql.file();
    }

    /** True when nothing at all is recorded for {@code repo} (a new or lost ledger: reconcile first). */
    public synchronized boolean isEmpty(String repo) {
        return !objects.hasAny(repo) && points.newest(repo).isEmpty();
    }

    public synchronized Optional<UploadedObject> object(String key) {
        return objects.object(key);
    }

    public synchronized List<UploadedObject> objects(String repo) {
        return objects.objects(repo);
    }

    /** Pins {@code repo} to the Borg repository id the agent wrote its points (or claimed the name) for. */
    public synchronized void recordPin(String repo, String repoId) {
        objects.recordPin(repo, repoId);
    }

    /**
     * What the point about to be put for {@code repo} is: its transaction and the SHA-256 of its bytes, flushed before the
     * put, so that a process stopped between the put and {@link #recordPointWritten} can tell its own point from anyone
     * else's by those bytes (the SHA-256 this agent computed, not anything read from the bucket).
     */
    public synchronized void recordPointIntent(String repo, long transaction, String sha256) {
        sql.update("INSERT OR REPLACE INTO meta VALUES (?, ?)", ps -> {
            ps.setString(1, INTENT + repo);
            ps.setString(2, transaction + " " + sha256);
        });
    }

    /** The point last about to be put for {@code repo} ({@link #recordPointIntent}), whether or not it was recorded. */
    public synchronized Optional<PointIntent> pointIntent(String repo) {
        String v = sql.query("SELECT value FROM meta WHERE name = ?", ps -> ps.setString(1, INTENT + repo),
                rs -> rs.next() ? rs.getString(1) : null);
        int space = v == null ? -1 : v.indexOf(' ');
        return space < 0 ? Optional.empty()
                : Optional.of(new PointIntent(Long.parseLong(v.substring(0, space)), v.substring(space + 1)));
    }

    /** A point about to be put: its transaction and the SHA-256 of its bytes. */
    public record PointIntent(long transaction, String sha256) {
    }

    /** The Borg repository id {@code repo} is pinned to, if any. */
    public synchronized Optional<String> pin(String repo) {
        return objects.pin(repo);
    }

    /**
     * Records that the object for {@code key} lives at {@code storedKey} (an alternative key: {@code key} was occupied
     * by bytes segvault did not write).
     */
    public synchronized void recordAlias(String repo, String key, String storedKey) {
        objects.recordAlias(repo, key, storedKey);
    }

    /** Where the object for {@code key} was stored instead, if {@code key} was occupied by a foreign object. */
    public synchronized Optional<String> alias(String key) {
        return objects.alias(key);
    }

    /** Records (or replaces) an uploaded object. */
    public synchronized void recordObject(UploadedObject o) {
        objects.record(o);
    }

    /**
     * Records (or replaces) an object a pass just uploaded, without waiting for the disk: the pass's restore point
     * ({@link #recordPointWritten}) waits for it, and that flush makes this record durable too. A power cut before
     * then can lose it; the next pass then finds the object in the bucket and proves it by reading its bytes back.
     */
    public synchronized void recordUpload(UploadedObject o) {
        objects.recordWithoutFlush(o);
    }

    public synchronized void updateRetention(String key, Instant until) {
        objects.updateRetention(key, until);
    }

    /**
     * Replaces the live set of {@code repo}: the keys whose locks are extended every generation (the objects
     * of the newest restore point, that point, repo.json).
     */
    public synchronized void replaceLive(String repo, Collection<String> keys) {
        objects.replaceLive(repo, keys);
    }

    /** The recorded objects of the live set of {@code repo} (keys without an object record are left out). */
    public synchronized List<UploadedObject> liveObjects(String repo) {
        return objects.liveObjects(repo);
    }

    /**
     * One page of {@link #liveObjects(String)}: up to {@code limit} objects with keys after {@code afterKey} ("" first),
     * in key order, so a caller walks a live set of any size in bounded memory.
     */
    public synchronized List<UploadedObject> liveObjects(String repo, String afterKey, int limit) {
        return objects.liveObjects(repo, afterKey, limit);
    }

    /** Whether a recorded live object of {@code repo} is locked for less than until {@code target} (or has no date). */
    public synchronized boolean anyLiveLockedBefore(String repo, Instant target) {
        return objects.anyLiveLockedBefore(repo, target);
    }

    /** The earliest lock date among the recorded live objects of {@code repo}, if any has one. */
    public synchronized Optional<Instant> earliestLive(String repo) {
        return objects.earliestLive(repo);
    }

    public synchronized void recordPoint(PointRecord p) {
        points.record(p);
    }

    /**
     * A restore point this agent wrote, in one transaction: the point's object, its record, and the new live set of its
     * repository ({@link #replaceLive}). All of it is on the disk when this returns, with the uploads recorded before it.
     */
    public synchronized void recordPointWritten(UploadedObject pointObject, PointRecord p, Collection<String> live) {
        sql.inTransaction(() -> {
            objects.record(pointObject);
            points.record(p);
            objects.replaceLiveRows(p.repo(), live);
        });
    }

    public synchronized Optional<PointRecord> point(String repo, long transaction) {
        return points.point(repo, transaction);
    }

    public synchronized Optional<PointRecord> newestPoint(String repo) {
        return points.newest(repo);
    }

    /** Every point of {@code repo}, newest first. */
    public synchronized List<PointRecord> points(String repo) {
        return points.points(repo);
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
        state.recordPass(repo, ok, message, at);
    }

    public synchronized Optional<PassRecord> lastPass(String repo) {
        return state.lastPass(repo);
    }

    /** A recorded event. */
    public record EventRecord(String repo, String kind, long segment, String detail, Instant at) {
    }

    /** Appends a tamper (or other) event. */
    public synchronized void recordEvent(String repo, String kind, long segment, String detail, Instant at) {
        state.recordEvent(repo, kind, segment, detail, at);
    }

    /** The newest {@code limit} events of {@code repo}, newest first. */
    public synchronized List<EventRecord> events(String repo, int limit) {
        return state.events(repo, limit);
    }

    public synchronized long eventCount(String repo) {
        return state.eventCount(repo);
    }

    /** The tamper detector's memory of sealed segments, persisted in this ledger. */
    public SegmentCatalog segmentCatalog() {
        return catalog;
    }

    /** Removes everything recorded for {@code repo} except events (before a rebuild from the bucket). */
    public synchronized void forget(String repo) {
        catalog.forget(repo);
        for (String table : List.of("objects", "aliases", "pins", "points", "live", "known_segments", "known_txn")) {
            sql.update("DELETE FROM " + table + " WHERE repo = ?", ps -> ps.setString(1, repo));
        }
    }

    @Override
    public synchronized void close() {
        sql.close();
    }
}
