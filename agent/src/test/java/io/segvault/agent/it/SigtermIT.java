package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.core.layout.BucketLayout;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code segvault run} as a real process gets SIGTERM in the middle of the multipart upload of its first segment (60
 * MiB at 5 MiB/s, so about 10 s remain): it exits 0 within the grace time plus a margin, and the upload still running
 * after the grace is aborted (no object, no open multipart upload); a {@code sync} afterwards finishes the job with one
 * version per key.
 */
@ExtendWith(LockedBucketExtension.class)
class SigtermIT {

    private static final Duration GRACE = Duration.ofSeconds(5);
    /** After the grace: interrupting the upload, aborting its multipart upload, closing the store, JVM exit. */
    private static final Duration MARGIN = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    @Test
    void sigterm_in_the_middle_of_an_upload_exits_0_within_the_grace_and_a_sync_then_completes(LockedBucket bucket) {
        SlowUpload big = SlowUpload.prepare(bucket, tmp, 31, 60);
        BucketView view = new BucketView(bucket);
        Cli.Running daemon = Cli.start(tmp.resolve("run"), Map.of(), "run", "--config", big.slowConfig().toString(), "--grace",
                GRACE.toSeconds() + "s");
        Cli.Result stopped;
        long took;
        try {
            SlowUpload.awaitUploadInTheMiddle(view, daemon);
            long sent = System.nanoTime();
            daemon.process().destroy();
            stopped = daemon.await(GRACE.plus(MARGIN).plusSeconds(30));
            took = (System.nanoTime() - sent) / 1_000_000;
        } finally {
            daemon.kill();
        }
        System.out.printf("segvault run exited %d ms after SIGTERM (grace %d s)%n", took, GRACE.toSeconds());
        assertThat(stopped.exit()).as(stopped.both()).isZero();
        assertThat(Duration.ofMillis(took)).as(stopped.both()).isLessThan(GRACE.plus(MARGIN));
        assertThat(stopped.err()).contains("stopping (grace 5 s)").contains("aborting them");
        assertThat(view.openUploads(ConfigFile.PREFIX)).as("multipart uploads the stopped daemon left open").isEmpty();
        assertThat(view.versions(ConfigFile.PREFIX + big.name() + "/segments/" + BucketLayout.pad(largestSegment(big.repo())) + "/"))
                .as("the upload still running after the grace was aborted, not completed").isEmpty();
        assertThat(view.pointKeys(big.name())).as("no restore point for an unfinished upload").isEmpty();

        Cli.Result sync = Cli.main("sync", "--config", big.fastConfig().toString());
        assertThat(sync.exit()).as(sync.both()).isZero();
        assertThat(sync.out()).contains(big.name() + ": transaction " + BorgRepos.committed(big.repo()) + " replicated");
        assertThat(view.openUploads(ConfigFile.PREFIX)).isEmpty();
        assertThat(view.keysWithSeveralVersions(ConfigFile.PREFIX)).as("keys written twice").isEmpty();
        view.assertNewestPointIsCommitted(big.name(), big.repo());
    }

    private static long largestSegment(Path repo) {
        return BorgRepos.committedSegments(repo).entrySet().stream()
                .max(Comparator.comparingLong(e -> e.getValue().toFile().length())).orElseThrow().getKey();
    }
}
