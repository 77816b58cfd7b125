package io.segvault.core.borg;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How paths of file systems other than the default one are named in messages: a remote file system registers the
 * label of its root (e.g. {@code sftp://segvault@backup1:22}), so "permission denied" names the host as well as the
 * path.
 */
public final class PathLabels {

    private static final Map<FileSystem, String> LABELS = new ConcurrentHashMap<>();

    private PathLabels() {
    }

    /** Names the paths of {@code fs} as {@code label + path}; {@link #forget} when it is closed. */
    public static void register(FileSystem fs, String label) {
        LABELS.put(fs, label);
    }

    public static void forget(FileSystem fs) {
        LABELS.remove(fs);
    }

    /** {@code path} for messages: as it is on the default file system, prefixed with its file system's label otherwise. */
    public static String describe(Path path) {
        if (path.getFileSystem() == FileSystems.getDefault()) {
            return path.toString();
        }
        String label = LABELS.get(path.getFileSystem());
        return label == null ? path.toString() : label + path.toAbsolutePath();
    }
}
