package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segvault.test.BorgFixture;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository of more segments than the process may open files (real borg, the Ceph server, {@code bin/segvault}
 * as a process): restored under {@code ulimit -n 1024}, and a restore killed with SIGKILL halfway that the next run
 * with the same target continues, downloading only what was missing. Both results are byte-for-byte the repository
 * and pass {@code borg check}.
 *
 * <p>20,000 files of 1,100 bytes with borg's {@code max_segment_size} at 1 KiB make 20,000+ sealed segments in under a
 * minute; the initial sync of them is most of the test's time (docs/reliability.md, "Measured"). The killed restore
 * runs one download at a time and is killed after {@value #KILL_AFTER} journaled segments: what it checks does not
 * depend on how far it got, only that it got somewhere and not to the end.
 */
@ExtendWith(LockedBucketExtension.class)
class RestoreManySegmentsIT {

    private static final int SEGMENTS = 20_000;
    private static final int KILL_AFTER = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void many_segments_restore_under_ulimit_1024_and_a_killed_restore_continues_where_it_stopped(LockedBucket bucket)
            throws Exception {
        BorgRepos repos = new BorgRepos(tmp);
        Path repo = repos.createManySegments(tmp.resolve("repos/many"), 20, SEGMENTS);
        Map<Long, Path> segments = BorgRepos.committedSegments(repo);
        assertThat(segments).as("committed segments").hasSizeGreaterThanOrEqualTo(SEGMENTS);
        Path cfg = ConfigFile.forBucket(bucket, tmp.resolve("state")).repo("many", repo).write(tmp.resolve("agent.yaml"));
        Cli.Result sync = launcher(Duration.ofMinutes(40), "sync", "--config", cfg.toString());
        assertThat(sync.exit()).as(sync.both()).isZero();

        Path whole = tmp.resolve("restored-whole");
        Cli.Result r = launcher(Duration.ofMinutes(20), "restore", "--config", cfg.toString(), "--repo", "many", "--target",
                whole.toString(), "--json");
        assertThat(r.exit()).as(r.both()).isZero();
        JsonNode result = last(r.out());
        assertThat(result.get("segments").asInt()).isEqualTo(segments.size());
        assertThat(result.get("keptFiles").asInt()).isZero();
        assertRepository(repo, whole, segments);

        Path resumed = tmp.resolve("restored-resumed");
        int journaled = killHalfway(cfg, resumed);
        Cli.Result again = launcher(Duration.ofMinutes(20), "restore", "--config", cfg.toString(), "--repo", "many", "--target",
                resumed.toString(), "--json");
        assertThat(again.exit()).as(again.both()).isZero();
        JsonNode second = last(again.out());
        assertThat(second.get("keptFiles").asInt()).as("files kept from the killed run").isEqualTo(journaled);
        assertThat(second.get("downloadedBytes").asLong()).as("bytes downloaded by the second run")
                .isLessThan(second.get("bytes").asLong()).isPositive();
        assertRepository(repo, resumed, segments);
    }

    /**
     * Starts a restore with one download at a time and kills it (SIGKILL) once its journal names at least {@value #KILL_AFTER}
     * segments; returns how many complete lines the journal has then (the process can no longer add any).
     */
    private int killHalfway(Path cfg, Path target) throws Exception {
        Path journal = target.resolveSibling(target.getFileName() + ".segvault-partial").resolve("journal");
        Process p = new ProcessBuilder(launcherCommand(false, "restore", "--config", cfg.toString(), "--repo", "many", "--target",
                target.toString(), "--parallel", "1", "--quiet")).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("killed-restore.out").toFile()).start();
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !p.isAlive() || completeLines(journal) >= KILL_AFTER);
            assertThat(p.isAlive()).as("restore still running when " + KILL_AFTER + " are journaled: "
                    + Files.readString(tmp.resolve("killed-restore.out"))).isTrue();
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        } finally {
            p.destroyForcibly();
        }
        assertThat(target).as("the target before the restore finished").doesNotExist();
        int lines = completeLines(journal);
        assertThat(lines).isLessThan(SEGMENTS);
        return lines;
    }

    private static int completeLines(Path journal) throws IOException {
        if (!Files.exists(journal)) {
            return 0;
        }
        String text = Files.readString(journal);
        return (int) text.chars().filter(c -> c == '\n').count();
    }

    /** Every committed segment and config byte for byte, nothing left beside the target, and {@code borg check} clean. */
    private void assertRepository(Path repo, Path target, Map<Long, Path> segments) throws IOException {
        for (Map.Entry<Long, Path> s : segments.entrySet()) {
            Path restored = target.resolve(repo.relativize(s.getValue()));
            assertThat(Files.mismatch(restored, s.getValue())).as("segment " + s.getKey() + " byte for byte").isEqualTo(-1);
        }
        assertThat(Files.mismatch(target.resolve("config"), repo.resolve("config"))).as("config").isEqualTo(-1);
        assertThat(target.resolveSibling(target.getFileName() + ".segvault-partial")).doesNotExist();
        BorgFixture.Result check = new BorgFixture(tmp.resolve("fresh-host-" + target.getFileName())).check(target);
        assertThat(check.exitCode()).as(check.output()).isZero();
    }

    private static JsonNode last(String out) throws IOException {
        List<String> lines = out.lines().filter(l -> l.startsWith("{") && l.contains("\"restored\"")).toList();
        assertThat(lines).as(out).hasSize(1);
        return JSON.readTree(lines.get(0));
    }

    /** {@code bin/segvault args...} with its default options, under {@code ulimit -n 1024}. */
    private Cli.Result launcher(Duration limit, String... args) throws Exception {
        Path out = Files.createTempFile(tmp, args[0] + "-", ".out");
        Path err = Files.createTempFile(tmp, args[0] + "-", ".err");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(launcherCommand(true, args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("segvault " + String.join(" ", args) + " did not exit within " + limit);
        }
        System.out.printf("RestoreManySegmentsIT: segvault %s took %.1f s%n", args[0], (System.nanoTime() - start) / 1e9);
        return new Cli.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /**
     * {@code bash -c 'ulimit -n 1024 && exec env ... bin/segvault args...'}: the limit is hard too, so the JVM cannot raise
     * it. {@code cds} false makes the launcher exec the JVM (no first-run recording child), so the process the test
     * kills is the JVM itself.
     */
    private List<String> launcherCommand(boolean cds, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -n 1024 && exec \"$@\"", "bash", "env",
                "SEGVAULT_CDS_DIR=" + tmp.resolve("cds"), "SEGVAULT_CDS=" + (cds ? "on" : "off"),
                Cli.projectRoot().resolve("bin/segvault").toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
