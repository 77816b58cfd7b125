package io.segvault.core.borg;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Attributes a remote file system's directory listing already returned with each entry. An SFTP server sends a file's
 * size, modification time and type with every name of a READDIR reply (OpenSSH's server takes them with
 * {@code lstat}, as a STAT of the same name would give them), so the segment listing need not ask again file by file:
 * over SFTP that was one round trip per segment for every snapshot, 50,000 of them for a repository of 50,000
 * segments. A remote file system registers how to read them from the paths its listing hands out; the default file
 * system has none (a local {@code stat} costs no round trip).
 */
public final class ListedAttributes {

    private static final Map<FileSystem, Function<Path, BasicFileAttributes>> SOURCES = new ConcurrentHashMap<>();

    private ListedAttributes() {
    }

    /** Reads listed attributes of paths of {@code fs} with {@code source} (null when a path has none); {@link #forget} on close. */
    public static void register(FileSystem fs, Function<Path, BasicFileAttributes> source) {
        SOURCES.put(fs, source);
    }

    public static void forget(FileSystem fs) {
        SOURCES.remove(fs);
    }

    /**
     * The attributes the listing that produced {@code entry} returned with it, or null: a path of the default file
     * system, of a file system that registered nothing, or one that did not come from a listing.
     */
    static BasicFileAttributes of(Path entry) {
        FileSystem fs = entry.getFileSystem();
        if (fs == FileSystems.getDefault()) {
            return null;
        }
        Function<Path, BasicFileAttributes> source = SOURCES.get(fs);
        return source == null ? null : source.apply(entry);
    }
}
