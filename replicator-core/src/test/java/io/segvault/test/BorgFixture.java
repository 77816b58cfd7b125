package io.segvault.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code borg} binary (Debian package borgbackup, 1.2.x) for tests.
 *
 * <p>Every fixture has its own {@code BORG_BASE_DIR} under the directory it is given, so tests never
 * touch the developer's borg cache, config or security directories, and two fixtures behave like two
 * different client machines. Each command has a timeout; a non-zero exit throws with borg's output.
 */
public final class BorgFixture {

    public static final String PASSPHRASE = "segvault-test-passphrase";
    private static final long TIMEOUT_MINUTES = 10;

    private final Path baseDir;

    /** @param workDir a directory owned by the test (e.g. a JUnit {@code @TempDir}); borg's client state goes below it */
    public BorgFixture(Path workDir) {
        this.baseDir = workDir.resolve("borg-client-home");
        try {
            Files.createDirectories(baseDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The isolated BORG_BASE_DIR of this fixture. */
    public Path baseDir() {
        return baseDir;
    }

    /** Result of one borg run. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** {@code borg init -e ENCRYPTION REPO}; encryption e.g. {@code none}, {@code repokey-blake2}. */
    public void init(Path repo, String encryption) {
        run("init", "-e", encryption, repo.toString());
    }

    /** {@code borg config REPO KEY VALUE}, e.g. {@code max_segment_size 1M} or {@code append_only 1}. */
    public void config(Path repo, String key, String value) {
        run("config", repo.toString(), key, value);
    }

    /** {@code borg create} of everything below {@code source} (paths relative to it) as archive {@code name}. */
    public void create(Path repo, String name, Path source, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("create", "--noctime"));
        args.addAll(Arrays.asList(extraArgs));
        args.add(repo + "::" + name);
        args.add(".");
        runIn(source, args.toArray(String[]::new));
    }

    public void prune(Path repo, int keepLast) {
        run("prune", "--keep-last", Integer.toString(keepLast), repo.toString());
    }

    public void compact(Path repo) {
        run("compact", repo.toString());
    }

    /** {@code borg delete REPO::ARCHIVE}. */
    public void deleteArchive(Path repo, String archive) {
        run("delete", repo + "::" + archive);
    }

    /** {@code borg check} (repository and archives); returns the result instead of throwing. */
    public Result check(Path repo, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("check"));
        args.addAll(Arrays.asList(extraArgs));
        args.add(repo.toString());
        return exec(null, args.toArray(String[]::new));
    }

    /** Archive names, oldest first (checkpoint archives hidden, as borg does). */
    public List<String> list(Path repo) {
        String out = run("list", "--short", repo.toString());
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** {@code borg extract} of a whole archive into {@code target} (created). */
    public void extract(Path repo, String archive, Path target) {
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        runIn(target, "extract", repo + "::" + archive);
    }

    /** Runs borg with the given arguments, throwing with its output on a non-zero exit. */
    public String run(String... args) {
        return runIn(null, args);
    }

    private String runIn(Path dir, String... args) {
        Result r = exec(dir, args);
        if (!r.ok()) {
            throw new IllegalStateException("borg " + String.join(" ", args) + " exited " + r.exitCode()
                    + ":\n" + r.output());
        }
        return r.output();
    }

    /** Starts borg without waiting (for kill -9 and concurrency tests). Output goes to {@code log}. */
    public Process start(Path dir, Path log, String... args) {
        try {
            return builder(dir, args).redirectOutput(log.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs borg and returns exit code and combined output. */
    public Result exec(Path dir, String... args) {
        try {
            Path log = Files.createTempFile(baseDir, "borg-", ".log");
            Process p = start(dir, log, args);
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("borg " + String.join(" ", args) + " timed out");
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running borg", e);
        }
    }

    private ProcessBuilder builder(Path dir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("borg");
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        environment(pb.environment());
        return pb;
    }

    /** The environment every borg run of this fixture gets (also useful for processes tests start themselves). */
    public void environment(Map<String, String> env) {
        env.put("BORG_BASE_DIR", baseDir.toString());
        env.put("BORG_PASSPHRASE", PASSPHRASE);
        env.put("BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK", "yes");
        env.put("BORG_RELOCATED_REPO_ACCESS_IS_OK", "yes");
        env.put("BORG_DELETE_I_KNOW_WHAT_I_AM_DOING", "YES");
        env.put("BORG_CHECK_I_KNOW_WHAT_I_AM_DOING", "YES");
        env.remove("BORG_REPO");
        env.remove("BORG_KEYS_DIR");
        env.remove("BORG_SECURITY_DIR");
        env.remove("BORG_CACHE_DIR");
        env.remove("BORG_CONFIG_DIR");
    }

    /** True when a borg binary is on the PATH. */
    public static boolean installed() {
        try {
            Process p = new ProcessBuilder("borg", "--version").redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Writes a deterministic input tree: same (seed, generation, megabytes) gives byte-identical files
     * with fixed mtimes. Generation 1 is the base set; each later generation changes some files and adds
     * new ones, so successive archives share most chunks (dedup) and differ in a few.
     *
     * @param megabytes approximate size of incompressible data in the tree
     */
    public static void generateData(Path dir, long seed, int generation, int megabytes) {
        try {
            Files.createDirectories(dir);
            Random base = new Random(seed);
            int files = Math.max(1, megabytes);
            for (int i = 0; i < files; i++) {
                byte[] data = new byte[1 << 20];
                base.nextBytes(data);
                write(dir.resolve("random/part" + String.format("%04d", i) + ".bin"), data);
            }
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                text.append("line ").append(i).append(" of seed ").append(seed).append('\n');
            }
            write(dir.resolve("text/notes.txt"), text.toString().getBytes(StandardCharsets.UTF_8));
            Random gen = new Random(seed * 31 + generation);
            for (int g = 2; g <= generation; g++) {
                byte[] data = new byte[256 * 1024];
                gen.nextBytes(data);
                write(dir.resolve("gen/generation" + g + ".bin"), data);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code bytes} pseudo-random bytes of {@code seed} to {@code file} (parents created): one small commit's data. */
    public static void writeRandom(Path file, int bytes, long seed) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, byte[] data) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, data);
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L));
    }
}
