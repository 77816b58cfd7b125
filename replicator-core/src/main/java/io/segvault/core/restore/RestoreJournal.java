package io.segvault.core.restore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The staging directory of a restore, {@code <target>.segvault-partial/}, and its journal of finished files.
 *
 * <p>Layout: {@code repo/} holds the repository being built (moved onto the target in one rename at the end);
 * {@code journal} has one line per file of {@code repo/} that was downloaded completely, had its size and SHA-256
 * checked against the restore point, and was fsynced: {@code <sha256> <size> <mtime-nanos> <name>}. A line is
 * written only after its file was fsynced, so a line that survives a crash always names durable bytes; a line
 * torn by a crash does not parse and is ignored.
 *
 * <p>A later run with the same target keeps a file only when the journal has a line for it with the size and
 * SHA-256 the new point wants <em>and</em> the file on disk still has that size and modification time; anything
 * else in {@code repo/} is deleted and downloaded again. The journal is trusted instead of re-hashing every kept
 * file (a restore stopped at 10 TB would otherwise read 10 TB before going on); the size and mtime check catches
 * a file changed or truncated since. The staging directory is locked (its file {@code lock}) while a run uses it,
 * so two restores into the same target cannot interleave.
 */
final class RestoreJournal implements AutoCloseable {

    static final String SUFFIX = ".segvault-partial";
    private static final Pattern LINE = Pattern.compile("([0-9a-f]{64}) (\\d+) (-?\\d+) (\\S.*)");

    private final Path staging;
    private final Path repo;
    private final FileChannel lock;
    private final Map<String, Entry> previous;
    private final StringBuilder keptLines = new StringBuilder();
    private final boolean resumed;
    private FileChannel journal;

    /** A finished file as the journal records it. */
    record Entry(String sha256, long size, long mtimeNanos) {
    }

    private RestoreJournal(Path staging, FileChannel lock, Map<String, Entry> previous, boolean resumed) {
        this.staging = staging;
        this.repo = staging.resolve("repo");
        this.lock = lock;
        this.previous = previous;
        this.resumed = resumed;
    }

    /** The staging directory of {@code target}: beside it, so the final rename stays on one file system. */
    static Path stagingOf(Path target) {
        return target.resolveSibling(target.getFileName() + SUFFIX);
    }

    /**
     * Opens (or creates) the staging directory of {@code target}, locks it (its file {@code lock}) and reads the
     * journal of an earlier run. Then: {@link #keep} for every file the point wants, {@link #begin} to write the new
     * journal (the kept files only), {@link #finished} for every file downloaded.
     */
    static RestoreJournal open(Path target) throws IOException {
        Path staging = stagingOf(target);
        boolean resumed = Files.isDirectory(staging);
        Files.createDirectories(staging.resolve("repo"));
        FileChannel ch = FileChannel.open(staging.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (ch.tryLock() == null) {
                throw new RestoreException("another restore into " + target + " is running (" + staging.resolve("lock")
                        + " is locked)", null);
            }
            Path file = staging.resolve("journal");
            return new RestoreJournal(staging, ch, Files.exists(file) ? read(file) : new HashMap<>(), resumed);
        } catch (OverlappingFileLockException e) {
            ch.close();
            throw new RestoreException("another restore into " + target + " is running in this process", e);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static Map<String, Entry> read(Path file) throws IOException {
        Map<String, Entry> out = new HashMap<>();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        for (String line : text.substring(0, end + 1).split("\n")) {
            var m = LINE.matcher(line);
            if (m.matches()) {
                out.put(m.group(4), new Entry(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
            }
        }
        return out;
    }

    Path staging() {
        return staging;
    }

    /** The directory the repository is built in. */
    Path repo() {
        return repo;
    }

    /** Whether the staging directory was there before this run (an earlier run was interrupted). */
    boolean resumed() {
        return resumed;
    }

    /** The name of {@code file} (below {@link #repo()}) in the journal: its relative path with '/'. */
    String name(Path file) {
        return repo.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    /**
     * Whether an earlier run left {@code file} complete with exactly this size and SHA-256 (journal line, and the
     * file's size and mtime unchanged since). A file that is not kept is deleted, so it can be downloaded anew.
     */
    boolean keep(Path file, long size, String sha256) throws IOException {
        Entry e = previous.get(name(file));
        if (e != null && e.size() == size && e.sha256().equals(sha256) && Files.isRegularFile(file)
                && Files.size(file) == size && mtimeNanos(file) == e.mtimeNanos()) {
            keptLines.append(line(file, sha256, size, e.mtimeNanos()));
            return true;
        }
        Files.deleteIfExists(file);
        return false;
    }

    /**
     * Deletes every file below {@link #repo()} that is not in {@code wanted} (what an earlier run for another point, or
     * its README and nonce, left), then the directories that became empty.
     */
    void removeAllBut(Set<Path> wanted) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(repo)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    dirs.add(p);
                } else if (!wanted.contains(p)) {
                    Files.delete(p);
                }
            }
        }
        dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path d : dirs) {
            if (!d.equals(repo)) {
                try (Stream<Path> in = Files.list(d)) {
                    if (in.findAny().isEmpty()) {
                        Files.delete(d);
                    }
                }
            }
        }
    }

    /**
     * Replaces the journal by one naming only the kept files (fsynced, renamed into place), so no line of an earlier
     * run can speak for a file this run deletes and writes again; then opens it for {@link #finished}.
     */
    void begin(boolean fsync) throws IOException {
        Path fresh = staging.resolve("journal.new");
        try (FileChannel ch = FileChannel.open(fresh, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(keptLines.toString().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (fsync) {
                ch.force(true);
            }
        }
        Path file = staging.resolve("journal");
        Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (fsync) {
            Durability.fsyncDirectory(staging);
        }
        journal = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Records a file that was just downloaded, checked and fsynced (and closed). */
    void finished(Path file, long size, String sha256) throws IOException {
        ByteBuffer line = ByteBuffer.wrap(line(file, sha256, size, mtimeNanos(file)).getBytes(StandardCharsets.UTF_8));
        synchronized (this) {
            while (line.hasRemaining()) {
                journal.write(line);
            }
        }
    }

    private String line(Path file, String sha256, long size, long mtime) {
        return sha256 + " " + size + " " + mtime + " " + name(file) + "\n";
    }

    private static long mtimeNanos(Path file) throws IOException {
        return Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS);
    }

    /** Lets go of the journal and the lock. */
    @Override
    public void close() throws IOException {
        try {
            if (journal != null) {
                journal.close();
            }
        } finally {
            lock.close();
        }
    }
}
