package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.segvault.test.LockedBucket;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A repository whose first upload takes a while: one large segment (borg's default segment size) of {@code megabytes}
 * random data, uploaded in 5 MiB parts at 5 MiB/s ({@link #slowConfig}); {@link #fastConfig} is the same agent (same
 * state directory) without the bandwidth cap, for the run that finishes the job.
 *
 * @param name       repository name in the bucket
 * @param repo       its directory
 * @param slowConfig config with {@code upload.maxBandwidth: 5MiB}
 * @param fastConfig the same without a cap
 */
record SlowUpload(String name, Path repo, Path slowConfig, Path fastConfig) {

    static SlowUpload prepare(LockedBucket bucket, Path tmp, long seed, int megabytes) {
        String name = "big";
        Path repo = new BorgRepos(tmp).createLargeSegments(tmp.resolve("repos").resolve(name), seed, megabytes);
        ConfigFile config = ConfigFile.forBucket(bucket, tmp.resolve("state"))
                .repo(name, repo)
                .set("upload.partSize", "5MiB")
                .set("upload.multipartThreshold", "5MiB");
        Path fast = config.write(tmp.resolve("fast.yaml"));
        Path slow = config.set("upload.maxBandwidth", "5MiB").write(tmp.resolve("slow.yaml"));
        return new SlowUpload(name, repo, slow, fast);
    }

    /** Waits until the process has a multipart upload open with at least one part in the bucket. */
    static void awaitUploadInTheMiddle(BucketView view, Cli.Running running) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(running.process().isAlive()).as("segvault %s still runs\n%s", running.command(), running.output()).isTrue();
            assertThat(view.uploadedParts(ConfigFile.PREFIX)).as("parts of open multipart uploads").isPositive();
        });
    }
}
