package io.segvault.core.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.core.manifest.StoredPoint;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.verify.Verifier;
import io.segvault.core.verify.VerifyReport;
import io.segvault.test.BorgFixture;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import io.segvault.test.ReplicationRig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Format-3 points with real borg on the Ceph server: small commits make small deltas, and deltas restore in full. */
@ExtendWith(LockedBucketExtension.class)
class DeltaPointIT {

    private static final RetentionPolicy ONE_DAY = new RetentionPolicy(Duration.ofDays(2), Duration.ofDays(1));

    @TempDir
    Path tmp;

    @Test
    void later_points_are_small_deltas_and_old_and_new_ones_restore(LockedBucket bucket) throws IOException {
        Path repo = tmp.resolve("repo");
        BorgFixture borg = new BorgFixture(tmp);
        borg.init(repo, "repokey-blake2");
        Path src = tmp.resolve("src");
        borg.config(repo, "max_segment_size", "256K");
        BorgFixture.generateData(src, 11, 1, 48);
        Path once = src.resolve("only-in-a1.bin");
        BorgFixture.writeRandom(once, 2 << 20, 99); // data only the first archive has: prune and compact remove its segments
        borg.create(repo, "a1", src);
        Files.delete(once);
        try (ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "dv/", ONE_DAY)) {
            rig.pass().run("prod", repo);
            for (int i = 2; i <= 4; i++) {
                BorgFixture.writeRandom(src.resolve("small/" + i + ".bin"), 20_000, i); // a small commit: one new segment or two
                borg.create(repo, "a" + i, src);
                rig.pass().run("prod", repo);
            }
            List<String> beforePrune = borg.list(repo);
            long beforePruneT = rig.catalog().chain("prod").get(0).transaction();
            borg.deleteArchive(repo, "a1");
            borg.prune(repo, 2);
            borg.compact(repo);
            rig.pass().run("prod", repo);
            BorgFixture.writeRandom(src.resolve("small/5.bin"), 20_000, 5);
            borg.create(repo, "a5", src);
            rig.pass().run("prod", repo);
            rig.reopenLedger(); // a restarted agent reads its base back from the chain
            BorgFixture.writeRandom(src.resolve("small/6.bin"), 20_000, 6);
            borg.create(repo, "a6", src);
            rig.pass().run("prod", repo);

            PointCatalog catalog = rig.catalog();
            List<PointRef> chain = catalog.chain("prod");
            assertThat(chain).hasSize(7).allMatch(PointRef::consistent);
            PointRef first = chain.get(chain.size() - 1);
            int checkpointBytes = size(catalog, first);
            assertThat(catalog.readStored(first).delta()).isFalse();
            int fullSegments = catalog.read(first).segments().size();
            assertThat(fullSegments).isGreaterThan(20);
            for (PointRef p : chain.subList(0, chain.size() - 1)) {
                StoredPoint s = catalog.readStored(p);
                assertThat(s.delta()).as("point %d is a delta", p.transaction()).isTrue();
                assertThat(size(catalog, p)).as("point %d is much smaller than the checkpoint", p.transaction())
                        .isLessThan(checkpointBytes / 4);
            }
            System.out.printf("checkpoint %d bytes (%d segments); deltas %s bytes%n", checkpointBytes, fullSegments,
                    chain.subList(0, chain.size() - 1).stream().map(p -> size(catalog, p)).toList());
            StoredPoint afterPrune = chain.stream().filter(p -> p.transaction() > beforePruneT).map(catalog::readStored)
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(afterPrune.removed()).as("the compaction's removed segments").isNotEmpty();

            Path newest = tmp.resolve("newest");
            Restorer.Result r = rig.restorer().restore(chain.get(0), newest, RestoreProgress.NONE);
            assertThat(r.segments()).isEqualTo(catalog.read(chain.get(0)).segments().size());
            BorgFixture client = new BorgFixture(tmp.resolve("client"));
            assertThat(client.check(newest).ok()).as("borg check of the newest point").isTrue();
            assertThat(client.list(newest)).isEqualTo(borg.list(repo));
            Path out = tmp.resolve("extract");
            client.extract(newest, "a6", out);
            RestoreIT.assertSameTree(src, out);

            PointRef older = catalog.select("prod", Long.toString(beforePruneT), null, Instant.now());
            assertThat(catalog.readStored(older).delta()).isTrue();
            Path old = tmp.resolve("older");
            rig.restorer().restore(older, old, RestoreProgress.NONE);
            BorgFixture client2 = new BorgFixture(tmp.resolve("client2"));
            assertThat(client2.check(old).ok()).as("borg check of an older delta point").isTrue();
            assertThat(client2.list(old)).isEqualTo(beforePrune).contains("a1");

            VerifyReport report = new Verifier(catalog).verify("prod", false, false, Instant.now());
            assertThat(report.problems()).isEmpty();
        }
    }

    private static int size(PointCatalog catalog, PointRef p) {
        return catalog.bytes(p.key(), p.versionId(), 64L << 20).length;
    }
}
