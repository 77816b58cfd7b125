package io.segvault.core.borg;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.test.BorgFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots taken over and over while a large {@code borg create} writes segments and commits a checkpoint every
 * 2 seconds: none may list a segment above its T, and each copied out must be a repository borg accepts.
 */
class SnapshotDuringCreateIT {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotDuringCreateIT.class);
    private static final int MEGABYTES = 300;
    private static final int COPIES = 4;

    @TempDir
    Path tmp;

    @Test
    void snapshots_during_a_checkpointing_create_are_consistent() throws Exception {
        BorgFixture borg = new BorgFixture(tmp.resolve("client"));
        Path repo = tmp.resolve("repo");
        SnapshotCopies.initWithArchive(borg, repo, "4M", "before", tmp.resolve("small"), 1, 1);
        BorgRepository model = BorgRepository.open(repo);
        long initial = model.committedTransaction().orElseThrow();
        Path src = tmp.resolve("src");
        BorgFixture.generateData(src, 7, 1, MEGABYTES);

        // zstd,16 slows borg to roughly 10 MB/s here, so the create lasts long enough for many checkpoints
        Process create = borg.start(src, tmp.resolve("create.log"), "create", "--noctime", "--checkpoint-interval", "2",
                "--compression", "zstd,16", repo + "::big", ".");
        Map<Long, Path> copies = new TreeMap<>();
        List<Long> seen = new ArrayList<>();
        int snapshots = 0;
        int withUncommittedOnDisk = 0;
        while (!create.waitFor(250, TimeUnit.MILLISECONDS)) {
            Snapshot snapshot = model.snapshot(tmp.resolve("scratch"));
            snapshots++;
            long t = snapshot.transaction();
            assertThat(snapshot.segments()).as("snapshot at T=%d", t).allSatisfy(s -> assertThat(s.number()).isLessThanOrEqualTo(t));
            assertThat(snapshot.segments()).last().satisfies(s -> assertThat(s.number()).isEqualTo(t));
            if (model.segments().stream().anyMatch(s -> s.number() > t)) {
                withUncommittedOnDisk++;
            }
            if (seen.isEmpty() || seen.get(seen.size() - 1) != t) {
                seen.add(t);
            }
            if (t > initial && !copies.containsKey(t) && copies.size() < COPIES) {
                copies.put(t, SnapshotCopies.materialize(snapshot, tmp.resolve("copy-" + t), true));
            }
        }
        assertThat(create.exitValue()).as(Files.readString(tmp.resolve("create.log"))).isZero();
        LOG.info("{} snapshots during create, transactions seen {}, {} with uncommitted segments on disk, copies at {}",
                snapshots, seen, withUncommittedOnDisk, copies.keySet());
        assertThat(seen).as("transactions only grow").isSorted();
        assertThat(withUncommittedOnDisk).as("segments above T existed while snapshotting").isPositive();
        assertThat(copies).as("copies at different checkpoint transactions").hasSizeGreaterThanOrEqualTo(3);
        long finalT = model.committedTransaction().getAsLong();
        for (Map.Entry<Long, Path> copy : copies.entrySet()) {
            // a snapshot can catch the create's own final commit before the process has exited: then "big" is complete
            String[] expected = copy.getKey() == finalT ? new String[] {"before", "big"} : new String[] {"before"};
            assertThat(SnapshotCopies.checkAsNewClient(copy.getValue(), tmp.resolve("client-" + copy.getKey())))
                    .as("archives of the copy at T=%d (checkpoints are hidden; final T %d)", copy.getKey(), finalT)
                    .containsExactly(expected);
            BorgFixture.Result all = new BorgFixture(tmp.resolve("client-" + copy.getKey()))
                    .exec(null, "list", "--short", "--consider-checkpoints", copy.getValue().toString());
            assertThat(all.output()).as("checkpoint (or, at the final T, the finished) archive of the copy at T=%d", copy.getKey())
                    .contains(copy.getKey() == finalT ? "big" : "big.checkpoint");
        }
        assertThat(borg.list(repo)).containsExactly("before", "big");
    }
}
