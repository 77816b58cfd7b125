package io.segvault.agent.it;

import io.segvault.test.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What is in a directory tree: relative path to SHA-256 of the file ("dir" for directories); empty when absent. */
public final class DirSnapshot {

    private DirSnapshot() {
    }

    /** The tree below {@code dir}, leaving out entries whose file name is in {@code ignore}. */
    public static Map<String, String> of(Path dir, String... ignore) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(dir)) {
            return out;
        }
        Set<String> skip = Set.of(ignore);
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> !p.equals(dir) && !skip.contains(p.getFileName().toString())).forEach(p -> out.put(
                    dir.relativize(p).toString(), Files.isDirectory(p) ? "dir" : hash(p)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot walk " + dir, e);
        }
        return out;
    }

    private static String hash(Path file) {
        try {
            return TestData.sha256(Files.newInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
