package io.segvault.agent.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test helper for the packaging and documentation checks: finds files of the source tree (these tests read
 * {@code bin/}, {@code packaging/} and {@code docs/}, not the classpath) and runs external programs.
 */
final class ProjectFiles {

    private ProjectFiles() {
    }

    /** The checkout's root: the nearest directory upwards from the working directory that holds {@code mvnw}. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("mvnw")) && Files.isDirectory(d.resolve("agent"))) {
                return d;
            }
        }
        throw new IllegalStateException("no checkout root (a directory with mvnw and agent/) above " + dir);
    }

    /** A file of the checkout, which must exist. */
    static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException(relative + " does not exist under " + root());
        }
        return p;
    }

    static String read(String relative) {
        try {
            return Files.readString(file(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + relative, e);
        }
    }

    /** What a finished program did. */
    record Run(int exit, String stdout, String stderr) {
        List<String> stdoutLines() {
            return stdout.lines().toList();
        }
    }

    /**
     * Runs {@code command} in {@code dir} with exactly the environment {@code env} (nothing inherited), stdin
     * closed, and a 60 s limit.
     */
    static Run run(Path dir, Map<String, String> env, String... command) {
        return run(60, dir, env, command);
    }

    /** {@link #run(Path, Map, String...)} with a limit of {@code seconds}. */
    static Run run(int seconds, Path dir, Map<String, String> env, String... command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Path out = Files.createTempFile("segvault-run-", ".out");
            Path err = Files.createTempFile("segvault-run-", ".err");
            try {
                Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + seconds + " s");
                }
                return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }
}
