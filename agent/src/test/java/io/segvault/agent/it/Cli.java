package io.segvault.agent.it;

import io.segvault.agent.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs segvault commands for tests: in this JVM through {@link Main#run} (fast; the environment is the test's), or as
 * a real {@code java -jar segvault.jar} process (signals, kill -9, another environment, a second process holding a
 * lock).
 */
public final class Cli {

    private Cli() {
    }

    /** What a finished command did. */
    public record Result(int exit, String out, String err) {
        /** Both streams, for assertion messages. */
        public String both() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** {@code segvault args...} in this JVM. */
    public static Result main(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** The checkout: the nearest directory upwards from the working directory that holds {@code mvnw} and {@code agent/}. */
    public static Path projectRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("mvnw")) && Files.isDirectory(d.resolve("agent"))) {
                return d;
            }
        }
        throw new IllegalStateException("no checkout (a directory with mvnw and agent/) above " + Path.of("").toAbsolutePath());
    }

    /** The runnable jar Maven's package phase built (failsafe runs after it). */
    public static Path jar() {
        Path jar = projectRoot().resolve("agent/target/segvault.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: integration tests run after `package`; build it with "
                    + "./mvnw -pl agent -am -DskipTests package");
        }
        return jar;
    }

    /**
     * The java that runs segvault processes: the system property {@code segvault.it.java} (e.g.
     * {@code -Dsegvault.it.java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java} on the Maven command line, to run these
     * tests' segvault processes on another runtime), else this JVM's.
     */
    public static String java() {
        String java = System.getProperty("segvault.it.java", "");
        return java.isBlank() ? Path.of(System.getProperty("java.home"), "bin", "java").toString() : java;
    }

    /**
     * Starts {@code java -jar segvault.jar args...} ({@link #java()}) with this JVM's environment plus {@code env} (a
     * null value removes a variable); stdout and stderr go to files in {@code dir}.
     */
    public static Running start(Path dir, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        try {
            Files.createDirectories(dir);
            Path out = Files.createTempFile(dir, args[0] + "-", ".out");
            Path err = Files.createTempFile(dir, args[0] + "-", ".err");
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new Running(p, out, err, String.join(" ", args));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start segvault " + String.join(" ", args), e);
        }
    }

    /** {@link #start} and wait for the end, at most {@code limit}. */
    public static Result process(Path dir, Map<String, String> env, Duration limit, String... args) {
        return start(dir, env, args).await(limit);
    }

    /** A segvault process a test started. */
    public record Running(Process process, Path out, Path err, String command) {

        /** Waits at most {@code limit} for the exit (kills it and fails the test after that). */
        public Result await(Duration limit) {
            try {
                if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new AssertionError("segvault " + command + " did not exit within " + limit + "\n" + output());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for segvault " + command, e);
            }
            return result();
        }

        /** Exit code and output of the finished process. */
        public Result result() {
            return new Result(process.exitValue(), read(out), read(err));
        }

        /** Output so far (for messages). */
        public String output() {
            return "--- stdout\n" + read(out) + "--- stderr\n" + read(err);
        }

        /** Kills it if it still runs (for finally blocks). */
        public void kill() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(cannot read " + file + ": " + e + ")";
            }
        }
    }
}
