package io.segvault.core.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The restore drill: restore the newest point into a scratch directory, run {@code borg check} on it with
 * an isolated borg client home, report, and clean up. With BORG_PASSPHRASE (or BORG_PASSCOMMAND) in the
 * environment the archives are checked too; without it only the repository part can be ({@code --repository-only}).
 */
public final class Drill {

    private final PointCatalog catalog;
    private final Restorer restorer;
    private final Path scratchRoot;
    private final Clock clock;
    private final Duration timeout;

    public Drill(PointCatalog catalog, Restorer restorer, Path scratchRoot, Clock clock, Duration timeout) {
        this.catalog = catalog;
        this.restorer = restorer;
        this.scratchRoot = scratchRoot;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** Result of one drill. */
    public record Result(String repo, long transaction, boolean ok, boolean archivesChecked, int borgExit, String borgOutput,
                         long bytes, Duration took, Instant at) {
    }

    /** Drills the newest point of the repository's consistent chain. */
    public Result run(String repo) {
        return run(catalog.select(repo, "latest", null, clock.instant()));
    }

    /** Drills one given point (the witness drills the point it is about to attest). */
    public Result run(PointRef ref) {
        String repo = ref.repo();
        Instant start = clock.instant();
        Path dir;
        try {
            Files.createDirectories(scratchRoot);
            dir = Files.createTempDirectory(scratchRoot, "drill-" + repo + "-");
        } catch (IOException e) {
            throw new RestoreException("cannot create drill scratch directory in " + scratchRoot + ": " + e, e);
        }
        try {
            Restorer.Result r = restorer.restore(ref, dir.resolve("repo"), RestoreProgress.NONE);
            boolean full = hasPassphrase();
            List<String> cmd = new ArrayList<>(List.of("borg", "check"));
            if (!full) {
                cmd.add("--repository-only");
            }
            cmd.add(r.target().toString());
            Outcome o = runBorg(cmd, dir.resolve("borg-home"));
            return new Result(repo, r.transaction(), o.exit == 0, full, o.exit, o.output, r.bytes(),
                    Duration.between(start, clock.instant()), clock.instant());
        } finally {
            io.segvault.core.util.FileTree.deleteQuietly(dir);
        }
    }

    private static boolean hasPassphrase() {
        Map<String, String> env = System.getenv();
        return env.containsKey("BORG_PASSPHRASE") || env.containsKey("BORG_PASSCOMMAND") || env.containsKey("BORG_PASSPHRASE_FD");
    }

    private record Outcome(int exit, String output) {
    }

    private Outcome runBorg(List<String> cmd, Path home) {
        try {
            Files.createDirectories(home);
            Path log = home.resolve("borg-check.log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.put("BORG_BASE_DIR", home.toString());
            env.put("BORG_RELOCATED_REPO_ACCESS_IS_OK", "yes");
            env.put("BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK", "yes");
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Outcome(-1, "borg check did not finish within " + timeout);
            }
            return new Outcome(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RestoreException("cannot run borg check (is borg installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestoreException("interrupted while running borg check", e);
        }
    }
}
