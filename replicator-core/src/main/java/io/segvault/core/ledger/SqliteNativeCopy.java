package io.segvault.core.ledger;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A copy of SQLite's JNI library in {@code <state>/native}, loaded instead of the one sqlite-jdbc unpacks on every
 * start. sqlite-jdbc writes its library to the temporary directory under a new name each time, reads it back byte by
 * byte to compare it with the jar's copy and starts {@code uname} to tell the platform: about 0.17 s of CPU and 0.09 s
 * of a no-op {@code sync}'s wall time (docs/benchmarks.md, "SQLite's library"). A run on a state directory that
 * holds a ledger keeps the library it loaded (named in {@code /proc/self/maps}); later runs point sqlite-jdbc at the
 * copy through its
 * {@code org.sqlite.lib.path} and {@code org.sqlite.lib.name} properties.
 *
 * <p>A native library is code the process runs, so a copy is used only when it and its directory belong to the user
 * running segvault, are not writable by group or others, and are not symbolic links; otherwise the library is
 * unpacked as before and a warning names the file. The copy is named by sqlite-jdbc's version and the JVM's
 * architecture, written under a temporary name and renamed into place, mode 500. An operator's own
 * {@code org.sqlite.lib.path} is left alone. Linux only (elsewhere nothing changes).
 */
final class SqliteNativeCopy {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteNativeCopy.class);
    static final String PATH_PROPERTY = "org.sqlite.lib.path";
    static final String NAME_PROPERTY = "org.sqlite.lib.name";
    private static final String LOADED_NAME = "libsqlitejdbc.so";

    private final Path dir;
    private final String fileName;

    SqliteNativeCopy(Path dir, String sqliteVersion, String arch) {
        this.dir = dir;
        this.fileName = "libsqlitejdbc-" + sqliteVersion + "-" + arch.replaceAll("[^A-Za-z0-9_.-]", "_") + ".so";
    }

    /** The copy for this process: {@code native} below the state directory. */
    static SqliteNativeCopy inStateDir(Path stateDir) {
        return new SqliteNativeCopy(stateDir.resolve("native"), org.sqlite.SQLiteJDBCLoader.getVersion(),
                System.getProperty("os.arch", "unknown"));
    }

    /**
     * Loads sqlite-jdbc's library: from the copy below {@code stateDir} when there is a trusted one, else as
     * sqlite-jdbc does, then keeps a copy. Returns whether the copy was used.
     */
    static boolean load(Path stateDir) throws Exception {
        SqliteNativeCopy copy = inStateDir(stateDir);
        boolean cached = copy.use();
        org.sqlite.SQLiteJDBCLoader.initialize();
        if (!cached) {
            copy.keep();
        }
        return cached;
    }

    Path file() {
        return dir.resolve(fileName);
    }

    /**
     * Before the driver is loaded: when a trusted copy exists, sets sqlite-jdbc's properties to it and returns true;
     * false when there is none yet (or this is not Linux, or the operator set the path).
     */
    boolean use() {
        if (!linux() || System.getProperty(PATH_PROPERTY) != null || !Files.exists(file(), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Optional<String> distrust = untrusted(dir).or(() -> untrusted(file()));
        if (distrust.isPresent()) {
            LOG.warn("not loading SQLite's library from {}: {}; a library is code, so it must belong to the user running"
                    + " segvault and not be writable by group or others (delete it, segvault writes a new one)",
                    file(), distrust.get());
            return false;
        }
        System.setProperty(NAME_PROPERTY, fileName);
        System.setProperty(PATH_PROPERTY, dir.toString());
        return true;
    }

    /**
     * After the driver is loaded from the temporary directory: copies that library into place, when the state
     * directory already holds a ledger (so a first command that fails, e.g. on a bucket without Object Lock, leaves
     * nothing behind but what it left before). Any failure only costs the speed-up; it is logged at debug level.
     */
    void keep() {
        if (!linux() || Files.exists(file(), LinkOption.NOFOLLOW_LINKS)
                || !Files.isRegularFile(dir.getParent().resolve(Ledger.FILE_NAME))) {
            return;
        }
        Path tmp = null;
        try {
            Optional<Path> loaded = loadedLibrary(Files.readAllLines(Path.of("/proc/self/maps")));
            if (loaded.isEmpty()) {
                return;
            }
            if (!Files.isDirectory(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (untrusted(dir).isPresent()) {
                return;
            }
            tmp = Files.createTempFile(dir, fileName, ".tmp");
            Files.copy(loaded.get(), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r-x------"));
            try {
                Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file());
            }
            tmp = null;
        } catch (IOException | RuntimeException e) {
            LOG.debug("SQLite's library not kept in {}: {}", dir, e.toString());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", tmp, e.toString());
                }
            }
        }
    }

    /** The file of the loaded sqlite-jdbc library among the mappings of {@code /proc/self/maps}, if still there. */
    static Optional<Path> loadedLibrary(Iterable<String> maps) {
        for (String line : maps) {
            int slash = line.indexOf('/');
            if (slash >= 0 && line.endsWith(LOADED_NAME)) {
                return Optional.of(Path.of(line.substring(slash)));
            }
        }
        return Optional.empty();
    }

    /** Why {@code p} is not to be trusted with code, or empty when it belongs to this process's user alone. */
    static Optional<String> untrusted(Path p) {
        try {
            if (Files.isSymbolicLink(p)) {
                return Optional.of("it is a symbolic link");
            }
            int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (owner != me) {
                return Optional.of("it belongs to user id " + owner + ", not " + me);
            }
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & 022) != 0) {
                return Optional.of(String.format("it is writable by group or others (mode %o)", mode & 07777));
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("it cannot be examined (" + e + ")");
        }
    }

    private static boolean linux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
    }
}
