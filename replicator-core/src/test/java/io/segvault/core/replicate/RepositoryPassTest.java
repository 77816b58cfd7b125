package io.segvault.core.replicate;

import io.segvault.core.borg.TestHashes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvault.test.PassAssembly;
import io.segvault.core.borg.FakeRepo;
import io.segvault.core.borg.TamperDetector;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.metrics.Meters;
import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.PointRef;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.store.memory.InMemoryObjectStore;
import io.segvault.test.ShiftableClock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repeated passes of one repository on a hand-made Borg repository and an in-memory bucket: the duration metric, and
 * the short cut of a pass that finds nothing new, which must still see every commit, rewritten or vanished segment
 * and a new lock generation. A nothing-new pass is recognised by what it skips: after the first pass the scratch
 * directory is made impossible to create, which fails any pass that takes a snapshot.
 */
class RepositoryPassTest {

    private static final String REPO = "r";
    private static final BucketLayout LAYOUT = new BucketLayout("borg/");
    private static final RetentionPolicy ONE_DAY = new RetentionPolicy(Duration.ofDays(2), Duration.ofDays(1));

    @TempDir
    Path tmp;

    private final ShiftableClock clock = new ShiftableClock();
    private final Meters meters = new Meters(new SimpleMeterRegistry());
    private final ExecutorService uploads = Executors.newFixedThreadPool(2);
    private FakeRepo fake;
    private Ledger ledger;
    private InMemoryObjectStore store;
    private RepositoryPass pass;
    private Path scratch;

    @BeforeEach
    void wire() {
        fake = FakeRepo.create(tmp.resolve("repo"), 1000);
        for (int n = 0; n < 10; n++) {
            fake.dataSegment(n, 2, 1000);
        }
        fake.commit(10, LongStream.range(0, 10).boxed().toList());
        ledger = Ledger.open(tmp.resolve("state"));
        store = new InMemoryObjectStore("b", clock);
        scratch = tmp.resolve("scratch");
        pass = newPass();
    }

    @AfterEach
    void close() {
        uploads.shutdownNow();
        ledger.close();
    }

    @Test
    void every_pass_is_timed_by_outcome_and_whether_it_uploaded() throws IOException {
        pass.run(REPO, fake.dir());
        pass.run(REPO, fake.dir());
        pass.run(REPO, fake.dir());
        Files.delete(fake.dir().resolve("config"));
        assertThatThrownBy(() -> pass.run(REPO, fake.dir())).isInstanceOf(RuntimeException.class);

        assertThat(timer("ok", "true").count()).isEqualTo(1);
        assertThat(timer("ok", "false").count()).isEqualTo(2);
        assertThat(timer("error", "false").count()).isEqualTo(1);
        assertThat(timer("ok", "true").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
    }

    @Test
    void a_pass_that_finds_nothing_new_takes_no_snapshot_and_records_the_pass() throws IOException {
        SyncResult first = pass.run(REPO, fake.dir());
        assertThat(first.pointWritten()).isTrue();
        blockSnapshots();

        SyncResult again = pass.run(REPO, fake.dir());

        assertThat(again.transaction()).isEqualTo(10);
        assertThat(again.pointWritten()).isFalse();
        assertThat(again.objectsUploaded()).isZero();
        assertThat(ledger.lastPass(REPO)).hasValueSatisfying(p -> {
            assertThat(p.ok()).isTrue();
            assertThat(p.message()).isEqualTo("transaction 10 offsite");
        });
        assertThat(meters.gaugeValue(Meters.COMMITTED_TXN, "repo", REPO)).isEqualTo(10);
        assertThat(meters.gaugeValue(Meters.REPO_UP, "repo", REPO)).isEqualTo(1);
        assertThat(meters.registry().get(Meters.SYNC_RUNS).tag("outcome", "ok").counter().count()).isEqualTo(2);
    }

    @Test
    void a_new_commit_gets_a_full_pass_and_a_new_point() {
        pass.run(REPO, fake.dir());
        pass.run(REPO, fake.dir());
        fake.dataSegment(11, 2, 1000);
        fake.commit(12, LongStream.rangeClosed(0, 11).boxed().toList());

        SyncResult r = pass.run(REPO, fake.dir());

        assertThat(r.transaction()).isEqualTo(12);
        assertThat(r.pointWritten()).isTrue();
        assertThat(ledger.point(REPO, 12)).isPresent();
    }

    @Test
    void a_segment_rewritten_in_place_after_a_nothing_new_pass_is_still_reported() throws IOException {
        pass.run(REPO, fake.dir());
        pass.run(REPO, fake.dir());
        rewriteInPlace(4);

        pass.run(REPO, fake.dir());

        assertThat(ledger.events(REPO, 10)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("CONTENT_CHANGED");
            assertThat(e.segment()).isEqualTo(4);
        });
        pass.run(REPO, fake.dir());
        assertThat(ledger.eventCount(REPO)).as("reported once").isEqualTo(1);
    }

    @Test
    void a_segment_that_vanishes_after_a_nothing_new_pass_is_still_reported() throws IOException {
        pass.run(REPO, fake.dir());
        pass.run(REPO, fake.dir());
        Files.delete(fake.segmentPath(6));

        pass.run(REPO, fake.dir());

        assertThat(ledger.events(REPO, 10)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("SEGMENT_VANISHED");
            assertThat(e.segment()).isEqualTo(6);
        });
    }

    @Test
    void another_repository_id_under_the_same_path_is_refused_by_its_identity_check_before_any_upload() throws IOException {
        pass.run(REPO, fake.dir());
        pass.run(REPO, fake.dir());
        Path config = fake.dir().resolve("config");
        Files.writeString(config, Files.readString(config).replace(FakeRepo.ID, "cd".repeat(32)));
        long puts = store.putCount();

        assertThatThrownBy(() -> pass.run(REPO, fake.dir())).hasMessageContaining("is Borg repository " + "cd".repeat(32))
                .hasMessageContaining("pinned to Borg repository " + FakeRepo.ID);
        assertThat(store.putCount()).as("nothing uploaded").isEqualTo(puts);
    }

    @Test
    void a_new_generation_extends_the_locks_even_when_nothing_is_new() throws IOException {
        pass.run(REPO, fake.dir());
        blockSnapshots();
        pass.run(REPO, fake.dir());
        int live = ledger.liveObjects(REPO).size();
        assertThat(live).isPositive();
        java.time.Instant locked = ledger.liveObjects(REPO).get(0).retainUntil();
        assertThat(store.retentionCount()).as("nothing to extend within the first generation").isZero();

        clock.shift(Duration.ofDays(1));
        pass.run(REPO, fake.dir());

        assertThat(store.retentionCount()).isEqualTo(live);
        assertThat(ledger.liveObjects(REPO)).allSatisfy(o -> assertThat(o.retainUntil()).isAfter(locked));
        pass.run(REPO, fake.dir());
        assertThat(store.retentionCount()).as("once per generation").isEqualTo(live);
    }

    /**
     * Point 60 written and recorded, a copy of the state directory taken, then point 62 written and recorded: the copy is
     * the ledger of a pass stopped after putting point 62 and before recording it.
     */
    private Path point62WithTheStateBeforeIt() throws IOException {
        for (int n = 11; n < 60; n++) {
            fake.dataSegment(n, 2, 1000);
        }
        fake.commit(60, LongStream.range(0, 60).boxed().toList());
        pass.run(REPO, fake.dir());
        ledger.close();
        Path before = tmp.resolve("state-before-62");
        try (var files = Files.list(tmp.resolve("state"))) {
            Files.createDirectories(before);
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, before.resolve(f.getFileName()));
            }
        }
        ledger = Ledger.open(tmp.resolve("state"));
        pass = newPass();
        fake.dataSegment(61, 2, 1000);
        fake.commit(62, LongStream.rangeClosed(0, 61).boxed().toList());
        assertThat(pass.run(REPO, fake.dir()).pointWritten()).isTrue();
        return before;
    }

    /**
     * The agent stops after writing a delta point and before recording it: on the next pass (its ledger does not know the
     * point) it adopts the point instead of reporting it as foreign and writing a second successor of the same base,
     * which would fork the chain and leave every later point of the agent outside it.
     */
    @Test
    void a_delta_point_written_but_not_recorded_before_a_stop_is_adopted() throws IOException {
        Path before = point62WithTheStateBeforeIt();
        PointCatalog catalog = new PointCatalog(store, LAYOUT);
        assertThat(catalog.readStored(catalog.select(REPO, "62", null, clock.instant())).delta()).isTrue();
        ledger.close();
        ledger = Ledger.open(before); // as if the pass had stopped after writing point 62, before recording it
        pass = newPass();

        pass.run(REPO, fake.dir());

        assertThat(ledger.events(REPO, 10)).as("the agent's own point is not foreign").isEmpty();
        assertThat(catalog.list(REPO)).hasSize(2).allMatch(PointRef::consistent);
        assertThat(ledger.points(REPO)).extracting(io.segvault.core.ledger.PointRecord::transaction).containsExactly(62L, 60L);
    }

    /**
     * As above, but borg commits again before the next pass (KillStormIT found it): the next point is for a later
     * transaction, so there is nothing to adopt under its own; it must follow the unrecorded point (which the ledger's
     * flushed intent names by the SHA-256 this agent computed) instead of naming the recorded one and forking the chain.
     */
    @Test
    void a_point_written_but_not_recorded_before_a_stop_is_followed_after_borg_commits_again() throws IOException {
        Path before = point62WithTheStateBeforeIt();
        PointCatalog catalog = new PointCatalog(store, LAYOUT);
        PointRef p62 = catalog.select(REPO, "62", null, clock.instant());
        ledger.close();
        ledger = Ledger.open(before); // stopped after putting point 62, before recording it: only the intent was flushed
        ledger.recordPointIntent(REPO, 62, p62.sha256());
        pass = newPass();
        fake.dataSegment(63, 2, 1000);
        fake.commit(64, LongStream.rangeClosed(0, 63).boxed().toList());

        assertThat(pass.run(REPO, fake.dir()).pointWritten()).isTrue();

        assertThat(ledger.events(REPO, 10)).as("the agent's own point is not foreign").isEmpty();
        List<PointRef> all = new PointCatalog(store, LAYOUT).list(REPO);
        assertThat(all).extracting(PointRef::transaction).containsExactly(64L, 62L, 60L);
        assertThat(all).as("one chain, no fork").allMatch(PointRef::consistent);
        assertThat(ledger.points(REPO)).as("the followed point is recorded as this agent's")
                .extracting(io.segvault.core.ledger.PointRecord::transaction).containsExactly(64L, 62L, 60L);
        assertThat(ledger.object(p62.key())).as("its object too, so its lock is kept like any live object's").isPresent();
    }

    /**
     * A successor of the recorded point that this agent's intent does not name by its SHA-256 (someone holding the agent's
     * credential put it first) is neither adopted nor followed: it stays a foreign head, reported as such.
     */
    @Test
    void a_successor_the_intent_does_not_name_is_foreign() throws IOException {
        Path before = point62WithTheStateBeforeIt();
        PointRef p62 = new PointCatalog(store, LAYOUT).select(REPO, "62", null, clock.instant());
        ledger.close();
        ledger = Ledger.open(before); // point 62 is in the bucket, but this ledger was about to put other bytes
        ledger.recordPointIntent(REPO, 62, "b".repeat(64));
        pass = newPass();
        fake.dataSegment(63, 2, 1000);
        fake.commit(64, LongStream.rangeClosed(0, 63).boxed().toList());

        assertThat(pass.run(REPO, fake.dir()).pointWritten()).isTrue();

        assertThat(ledger.events(REPO, 10)).as("the head it did not write is reported").isNotEmpty();
        assertThat(ledger.points(REPO)).extracting(io.segvault.core.ledger.PointRecord::transaction).containsExactly(64L, 60L);
        assertThat(ledger.object(p62.key())).isEmpty();
        assertThat(new PointCatalog(store, LAYOUT).chain(REPO)).extracting(PointRef::transaction).containsExactly(62L, 60L);
    }

    /**
     * An intent whose point never reached the bucket (stopped before the put) is not followed: the next point names the
     * recorded one.
     */
    @Test
    void an_intent_without_its_point_in_the_bucket_is_ignored() throws IOException {
        for (int n = 11; n < 60; n++) {
            fake.dataSegment(n, 2, 1000);
        }
        fake.commit(60, LongStream.range(0, 60).boxed().toList());
        pass.run(REPO, fake.dir());
        ledger.recordPointIntent(REPO, 62, "a".repeat(64));
        fake.dataSegment(61, 2, 1000);
        fake.commit(64, LongStream.rangeClosed(0, 61).boxed().toList());

        assertThat(pass.run(REPO, fake.dir()).pointWritten()).isTrue();

        List<PointRef> all = new PointCatalog(store, LAYOUT).list(REPO);
        assertThat(all).extracting(PointRef::transaction).containsExactly(64L, 60L);
        assertThat(all).allMatch(PointRef::consistent);
        assertThat(ledger.events(REPO, 10)).isEmpty();
    }

    /**
     * A commit pass takes each unchanged segment's entry from the previous point (no offsite lookup), in the process that
     * wrote that point and, read back through the chain, in a new one; a segment rewritten under the same number is not
     * taken from it but uploaded, and its new entry is what the point names.
     */
    @Test
    void unchanged_segments_take_the_previous_points_entries_and_a_rewritten_one_is_uploaded() throws IOException {
        pass.run(REPO, fake.dir());
        rewriteInPlace(4);
        fake.dataSegment(11, 2, 1000);
        fake.commit(12, LongStream.rangeClosed(0, 11).boxed().toList());

        SyncResult r = pass.run(REPO, fake.dir());

        PointCatalog catalog = new PointCatalog(store, LAYOUT);
        var p10 = catalog.read(catalog.select(REPO, "10", null, clock.instant()));
        var p12 = catalog.read(catalog.select(REPO, "12", null, clock.instant()));
        long kept = p12.segments().stream().filter(p10.segments()::contains).count();
        assertThat(kept).as("segments 0-10 but 4").isEqualTo(10);
        assertThat(skipped("point")).isEqualTo(kept);
        var old4 = p10.segments().stream().filter(s -> s.n() == 4).findFirst().orElseThrow();
        var new4 = p12.segments().stream().filter(s -> s.n() == 4).findFirst().orElseThrow();
        assertThat(new4.sha256()).isNotEqualTo(old4.sha256());
        assertThat(store.head(LAYOUT.repoPrefix(REPO) + new4.key(), new4.versionId()).sha256()).isEqualTo(new4.sha256());
        assertThat(r.objectsUploaded()).as("segment 4, segment 11, the commit's segment and control files").isGreaterThan(2);

        pass = newPass(); // a new process: the previous point is read back through the chain
        fake.dataSegment(13, 2, 1000);
        fake.commit(14, LongStream.rangeClosed(0, 13).boxed().toList());
        pass.run(REPO, fake.dir());
        var p14 = catalog.read(catalog.select(REPO, "14", null, clock.instant()));
        assertThat(skipped("point") - kept).isEqualTo(p14.segments().stream().filter(p12.segments()::contains).count())
                .isGreaterThanOrEqualTo(11);
    }

    /** Flips one byte of segment {@code n} and moves its modification time, as a rewrite outside borg would. */
    private void rewriteInPlace(long n) throws IOException {
        Path segment = fake.segmentPath(n);
        FileTime before = Files.getLastModifiedTime(segment);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(100);
            int b = file.read();
            file.seek(100);
            file.write(b ^ 0xff);
        }
        Files.setLastModifiedTime(segment, FileTime.fromMillis(before.toMillis() + 2000));
    }

    private double skipped(String layer) {
        var c = meters.registry().find(Meters.SKIPPED_OBJECTS).tag("layer", layer).counter();
        return c == null ? 0 : c.count();
    }

    private RepositoryPass newPass() {
        return new PassAssembly(store, ledger, LAYOUT, ONE_DAY, meters, clock, 1000)
                .pass(new TamperDetector(ledger.segmentCatalog(), clock, 0.5, TestHashes.create()), uploads, scratch);
    }

    /** Any later pass that takes a snapshot fails: the scratch root becomes a regular file. */
    private void blockSnapshots() throws IOException {
        try (var files = Files.list(scratch)) {
            assertThat(files).as("scratch directories are removed after each pass").isEmpty();
        }
        Files.delete(scratch);
        Files.writeString(scratch, "not a directory");
    }

    private Timer timer(String outcome, String uploaded) {
        return meters.registry().get(Meters.SYNC_DURATION).tag("repo", REPO).tag("outcome", outcome).tag("uploaded", uploaded)
                .timer();
    }
}
