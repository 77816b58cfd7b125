package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore of an 8 MiB repository onto a 4 MiB tmpfs (tests run as root; a failed mount fails the test): a non-zero
 * exit, one message naming the target and "No space left on device", nothing left at the target or beside it, and
 * every byte of the file system free again.
 */
@ExtendWith(LockedBucketExtension.class)
class RestoreDiskFullIT {

    @TempDir
    Path tmp;

    @Test
    void restore_onto_a_full_file_system_fails_naming_the_target_and_leaves_nothing(LockedBucket bucket) throws IOException {
        Path repo = new BorgRepos(tmp).create(tmp.resolve("repos/big"), 51, 8);
        Path cfg = ConfigFile.forBucket(bucket, tmp.resolve("state")).repo("big", repo).write(tmp.resolve("agent.yaml"));
        Cli.Result sync = Cli.main("sync", "--config", cfg.toString());
        assertThat(sync.exit()).as(sync.both()).isZero();

        Path small = Files.createDirectories(tmp.resolve("small"));
        run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small.toString());
        try {
            FileStore fs = Files.getFileStore(small);
            assertThat(fs.type()).isEqualTo("tmpfs");
            Path target = small.resolve("restored");
            Cli.Result r = Cli.main("restore", "--config", cfg.toString(), "--repo", "big", "--target", target.toString());

            assertThat(r.exit()).as(r.both()).isEqualTo(1);
            // the first line is the note that no witness key was given (docs/witness.md); then the error, on one line
            List<String> lines = r.err().lines().toList();
            assertThat(lines).as(r.both()).hasSize(2);
            assertThat(lines.get(0)).startsWith("note: no witness configured");
            assertThat(lines.get(1)).as("one line, no stack trace").startsWith("segvault restore: error: ").contains(target.toString())
                    .contains("No space left on device").contains("nothing was left at the target");
            try (Stream<Path> left = Files.list(small)) {
                assertThat(left).as("what the failed restore left on the small file system").isEmpty();
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fs.getUnallocatedSpace())
                    .as("free bytes (every file deleted and closed)").isEqualTo(fs.getTotalSpace()));
        } finally {
            run("umount", small.toString());
        }
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within 30 s");
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail(String.join(" ", command) + " exited " + p.exitValue() + " (this test needs root to mount a small tmpfs): "
                        + output);
            }
        } catch (IOException e) {
            fail("cannot run " + String.join(" ", command) + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted running " + String.join(" ", command));
        }
    }
}
