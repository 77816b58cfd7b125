package io.segvault.core.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removal of scratch and temporary directory trees segvault created itself. */
public final class FileTree {

    private static final Logger LOG = LoggerFactory.getLogger(FileTree.class);

    private FileTree() {
    }

    /** Deletes {@code dir} and everything below it; a failure is logged, never thrown (it runs in finally blocks). */
    public static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", dir, e.toString());
        }
    }
}
