package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.test.BorgFixture;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty {@code kill -9}s of the daemon at seeded random moments while borg keeps committing to the repository it
 * follows. After the last restart a sync completes, every restore point offsite verifies deep (present, locked,
 * byte-exact, chain intact), nothing is left open or written twice, and the newest point restores and passes
 * {@code borg check}.
 */
@ExtendWith(LockedBucketExtension.class)
class KillStormIT {

    private static final int KILLS = 20;

    @TempDir
    Path tmp;

    @Test
    void twenty_kill_9s_while_borg_keeps_writing_lose_nothing(LockedBucket bucket) throws Exception {
        BorgRepos borg = new BorgRepos(tmp);
        Path repos = tmp.resolve("repos");
        Path repo = borg.create(repos.resolve("busy"), 31, 2);
        Path cfg = ConfigFile.forBucket(bucket, tmp.resolve("state"))
                .set("glob", repos.resolve("*").toString())
                .set("follow.rescanInterval", "1s")
                .set("follow.debounce", "100ms")
                .write(tmp.resolve("agent.yaml"));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger commits = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int generation = 2; !stop.get(); generation++) {
                borg.commit(repo, 31, generation, 1);
                commits.incrementAndGet();
            }
        });
        Random random = new Random(2026);
        List<Integer> exits = new ArrayList<>();
        try {
            for (int i = 0; i < KILLS; i++) {
                Cli.Running run = Cli.start(tmp.resolve("run-" + i), Map.of(), "run", "--config", cfg.toString());
                boolean exitedEarly = run.process().waitFor(2000 + random.nextInt(5000), TimeUnit.MILLISECONDS);
                assertThat(exitedEarly).as("daemon %d exited on its own: %s", i, run.output()).isFalse();
                run.process().destroyForcibly();
                exits.add(run.await(Duration.ofSeconds(30)).exit());
            }
        } finally {
            stop.set(true);
            writer.get(5, TimeUnit.MINUTES);
        }
        assertThat(exits).hasSize(KILLS).containsOnly(128 + 9);
        assertThat(commits.get()).as("borg kept committing during the storm").isGreaterThan(KILLS / 4);

        Cli.Result sync = Cli.main("sync", "--config", cfg.toString());
        assertThat(sync.exit()).as(sync.both()).isZero();
        BucketView view = new BucketView(bucket);
        assertThat(view.openUploads(ConfigFile.PREFIX)).as("open multipart uploads").isEmpty();
        assertThat(view.keysWithSeveralVersions(ConfigFile.PREFIX + "busy/")).as("keys written twice").isEmpty();
        view.assertNewestPointIsCommitted("busy", repo);
        System.out.printf("kill storm: %d borg commits, %d restore points offsite%n", commits.get(), view.pointKeys("busy").size());

        Cli.Result verify = Cli.main("verify", "--config", cfg.toString(), "--repo", "busy", "--deep");
        assertThat(verify.exit()).as(verify.both()).isZero();

        Path target = tmp.resolve("restored");
        Cli.Result restore = Cli.main("restore", "--config", cfg.toString(), "--repo", "busy", "--target", target.toString());
        assertThat(restore.exit()).as(restore.both()).isZero();
        BorgFixture.Result check = new BorgFixture(tmp.resolve("fresh-host")).check(target);
        assertThat(check.ok()).as(check.output()).isTrue();
    }
}
