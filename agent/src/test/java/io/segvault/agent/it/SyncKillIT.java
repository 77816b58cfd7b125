package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of {@code segvault sync} in the middle of a multipart upload (30 MiB at 5 MiB/s), then a new sync: it
 * completes, the restore point names exactly the committed segments, no multipart upload stays open and no key has a
 * second version.
 */
@ExtendWith(LockedBucketExtension.class)
class SyncKillIT {

    @TempDir
    Path tmp;

    @Test
    void a_sync_after_kill_9_in_the_middle_of_a_multipart_upload_completes_with_the_committed_point(LockedBucket bucket) {
        SlowUpload big = SlowUpload.prepare(bucket, tmp, 41, 30);
        BucketView view = new BucketView(bucket);
        Cli.Running sync = Cli.start(tmp.resolve("sync"), Map.of(), "sync", "--config", big.slowConfig().toString());
        Cli.Result killed;
        try {
            SlowUpload.awaitUploadInTheMiddle(view, sync);
            sync.process().destroyForcibly();
            killed = sync.await(Duration.ofSeconds(30));
        } finally {
            sync.kill();
        }
        assertThat(killed.exit()).as("killed by SIGKILL").isEqualTo(128 + 9);
        assertThat(view.openUploads(ConfigFile.PREFIX)).as("the killed sync left its upload open").isNotEmpty();
        assertThat(view.pointKeys(big.name())).isEmpty();

        Cli.Result again = Cli.main("sync", "--config", big.fastConfig().toString());
        assertThat(again.exit()).as(again.both()).isZero();
        assertThat(again.out()).contains(big.name() + ": transaction " + BorgRepos.committed(big.repo()) + " replicated");
        assertThat(view.openUploads(ConfigFile.PREFIX)).as("open multipart uploads after the new sync").isEmpty();
        assertThat(view.keysWithSeveralVersions(ConfigFile.PREFIX)).as("keys written twice").isEmpty();
        view.assertNewestPointIsCommitted(big.name(), big.repo());
    }
}
