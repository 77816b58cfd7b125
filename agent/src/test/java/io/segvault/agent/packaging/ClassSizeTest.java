package io.segvault.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No main class over 300 lines (issue 19): a class that grows past it has more than one job. ArchUnit cannot count lines. */
class ClassSizeTest {

    private static final int MAX_LINES = 300;

    @Test
    void no_main_class_over_300_lines() throws IOException {
        Map<String, Long> tooLong = new TreeMap<>();
        for (String module : new String[] {"replicator-core", "agent"}) {
            try (Stream<Path> files = Files.walk(ProjectFiles.root().resolve(module).resolve("src/main/java"))) {
                files.filter(p -> p.toString().endsWith(".java"))
                        .forEach(p -> {
                            long lines = lines(p);
                            if (lines > MAX_LINES) {
                                tooLong.put(ProjectFiles.root().relativize(p).toString(), lines);
                            }
                        });
            }
        }
        assertThat(tooLong).as("main classes over " + MAX_LINES + " lines").isEmpty();
    }

    private static long lines(Path p) {
        try (Stream<String> s = Files.lines(p)) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
