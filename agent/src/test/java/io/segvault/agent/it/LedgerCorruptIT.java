package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import io.segvault.test.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code <state>/ledger.db} overwritten with garbage after a sync: {@code sync} refuses with exit 1 naming the file
 * (the invocation and config are fine, the local state is damaged: a failure, not a usage error) and writes nothing;
 * {@code reconcile} moves it aside and rebuilds it from the bucket; the next {@code sync} writes nothing at all into the
 * bucket (nothing new was committed).
 */
@ExtendWith(LockedBucketExtension.class)
class LedgerCorruptIT {

    @TempDir
    Path tmp;

    @Test
    void a_corrupt_ledger_is_refused_reconcile_rebuilds_it_and_the_next_sync_uploads_nothing(LockedBucket bucket) throws IOException {
        Path repo = new BorgRepos(tmp).create(tmp.resolve("repos/alpha"), 61, 2);
        Path state = tmp.resolve("state");
        Path cfg = ConfigFile.forBucket(bucket, state).repo("alpha", repo).write(tmp.resolve("agent.yaml"));
        Cli.Result first = Cli.main("sync", "--config", cfg.toString());
        assertThat(first.exit()).as(first.both()).isZero();
        BucketView view = new BucketView(bucket);
        Set<String> before = view.versions("");

        Path ledger = state.resolve("ledger.db");
        byte[] garbage = TestData.bytes(61, 64 * 1024);
        Files.write(ledger, garbage);
        Files.deleteIfExists(state.resolve("ledger.db-wal"));
        Files.deleteIfExists(state.resolve("ledger.db-shm"));

        Cli.Result refused = Cli.main("sync", "--config", cfg.toString());
        assertThat(refused.exit()).as(refused.both()).isEqualTo(1);
        assertThat(refused.err()).as(refused.both()).startsWith("segvault sync: error: ledger " + ledger + " is unreadable or corrupt")
                .contains("segvault reconcile");
        assertThat(view.versions("")).as("bucket after the refused sync").isEqualTo(before);
        assertThat(Files.readAllBytes(ledger)).as("the refused sync leaves the file as it is").isEqualTo(garbage);

        Cli.Result rebuilt = Cli.main("reconcile", "--config", cfg.toString());
        assertThat(rebuilt.exit()).as(rebuilt.both()).isZero();
        Path aside;
        try (Stream<Path> files = Files.list(state)) {
            aside = files.filter(f -> f.getFileName().toString().startsWith("ledger.db.corrupt-")).findFirst().orElseThrow();
        }
        assertThat(Files.readAllBytes(aside)).as("the corrupt file, moved aside").isEqualTo(garbage);
        assertThat(rebuilt.out()).contains("moved it to " + aside)
                .contains("alpha: ledger rebuilt from the bucket: " + BorgRepos.committedSegments(repo).size() + " segments, 1 restore points");

        Cli.Result again = Cli.main("sync", "--config", cfg.toString());
        assertThat(again.exit()).as(again.both()).isZero();
        assertThat(again.out()).contains("alpha: transaction " + BorgRepos.committed(repo) + " already offsite");
        assertThat(view.versions("")).as("bucket after reconcile and a sync with nothing new").isEqualTo(before);
        Cli.Result status = Cli.main("status", "--config", cfg.toString());
        assertThat(status.exit()).as(status.both()).isZero();
    }
}
