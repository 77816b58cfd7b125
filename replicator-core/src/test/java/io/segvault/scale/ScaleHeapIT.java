package io.segvault.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.core.borg.FakeRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20: a repository of 200,000 segments under the launcher's heap ({@code -Xmx256m -XX:+UseSerialGC -XX:NewRatio=9}, the upload
 * part buffers the S3 store keeps at the defaults held as ballast during a sync: {@link ScaleRun#PART_BUFFERS}). Each step runs in its own JVM through {@link ScaleRun}: the initial
 * sync, a pass with nothing new, a pass after one more committed transaction, and a restore of the newest point, which
 * must give back the repository byte for byte. {@code -Dscale.segments=N} changes the size (200,000 by default: 10 to
 * 25 minutes on the shared 2-core machine, most of it writing, comparing and deleting 1.2 million files; run it alone).
 */
class ScaleHeapIT {

    private static final long SEGMENTS = Long.getLong("scale.segments", 200_000);
    private static final String HEAP = System.getProperty("scale.heap", "-Xmx256m");

    @TempDir
    Path dir;

    @Test
    void syncs_and_restores_200000_segments_in_256_mib() throws Exception {
        Path repoDir = dir.resolve("repo");
        FakeRepo repo = FakeRepo.create(repoDir, 1000);
        for (long n = 0; n < SEGMENTS - 1; n++) {
            repo.dataSegment(n, 1, 16);
        }
        repo.commit(SEGMENTS - 1, LongStream.range(0, 10).boxed().toList());
        Path bucket = dir.resolve("bucket");
        Path state = dir.resolve("state");

        step("initial sync", "sync", repoDir, bucket, state);
        step("nothing new", "sync", repoDir, bucket, state);
        repo.commit(SEGMENTS, LongStream.range(0, 10).boxed().toList());
        step("one new transaction", "sync", repoDir, bucket, state);
        Path target = dir.resolve("restored");
        step("restore", "restore", bucket, target);

        assertSameRepository(repoDir, target, SEGMENTS);
    }

    /** Runs one step in a JVM with the launcher's heap; fails on a non-zero exit (an OutOfMemoryError exits 3). */
    private static void step(String name, Object... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                "-XX:+UseSerialGC", "-XX:NewRatio=9", "-XX:+ExitOnOutOfMemoryError",
                "-Dscale.histogram=" + Boolean.getBoolean("scale.histogram"),
                "-Dscale.ballastMiB=" + Long.getLong("scale.ballastMiB", 64),
                "-cp", System.getProperty("java.class.path"), ScaleRun.class.getName()));
        for (Object a : args) {
            cmd.add(a.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.MINUTES)).isTrue();
        System.out.println("== " + name + " (" + SEGMENTS + " segments, " + HEAP + ")\n" + out.lines()
                .filter(l -> !l.contains(" INFO ") && !l.contains(" DEBUG ")).reduce("", (a, b) -> a + b + "\n"));
        assertThat(p.exitValue()).as(name + " exit code; output:\n" + tail(out)).isZero();
    }

    private static String tail(String out) {
        List<String> lines = out.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Every file of the source repository has the same bytes in the restored one, and no segment was added. */
    private static void assertSameRepository(Path source, Path restored, long segments) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(source)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertThat(files).hasSize((int) (segments + 1 + 4)); // segments 0..N, config, index.N, hints.N, integrity.N
        for (Path f : files) {
            Path copy = restored.resolve(source.relativize(f));
            assertThat(copy).as("restored %s", copy).exists();
            assertThat(Files.mismatch(f, copy)).as("bytes of restored %s", copy).isEqualTo(-1L);
        }
        try (Stream<Path> s = Files.walk(restored.resolve("data"))) {
            assertThat(s.filter(Files::isRegularFile).count()).isEqualTo(segments + 1);
        }
    }
}
