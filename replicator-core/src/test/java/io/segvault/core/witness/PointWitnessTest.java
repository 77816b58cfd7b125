package io.segvault.core.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.PointDeltas;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.PointRef;
import io.segvault.core.restore.RestoreException;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.Retention;
import io.segvault.core.store.StoredObject;
import io.segvault.core.store.memory.InMemoryObjectStore;
import io.segvault.test.ShiftableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The witness's checks on hand-made points in the in-memory store; the same against real borg and Ceph is WitnessIT. */
class PointWitnessTest {

    private static final String REPO = "r";
    private static final String ID = "ab".repeat(32);
    private static final Duration HORIZON = Duration.ofDays(7);

    @TempDir
    Path tmp;

    private final BucketLayout layout = new BucketLayout("borg/");
    private final ShiftableClock clock = new ShiftableClock();
    private final KeyPair key = WitnessKey.generate();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger drills = new AtomicInteger();
    private InMemoryObjectStore store;
    private PointCatalog catalog;
    private boolean drillPasses = true;

    @BeforeEach
    void setUp() {
        store = new InMemoryObjectStore("b", clock);
        catalog = new PointCatalog(store, layout);
    }

    private PointWitness witness(PointWitness.Settings s) {
        return new PointWitness(catalog, store, key, tmp.resolve("state"), ref -> {
            drills.incrementAndGet();
            return new Verdict.DrillCheck(clock.instant(), drillPasses, false, drillPasses ? 0 : 1, drillPasses ? null : "errors found");
        }, new WitnessMetrics(registry, clock, HORIZON), clock, s);
    }

    private PointWitness witness() {
        return witness(new PointWitness.Settings(HORIZON, Duration.ofMinutes(5), null, 1L << 30, Duration.ofDays(30)));
    }

    private StoredObject object(String relative, byte[] bytes, Duration lock) {
        return store.putOnce(new PutRequest(layout.repoPrefix(REPO) + relative, ObjectSource.ofBytes(bytes),
                ManifestCodec.sha256(bytes), Retention.compliance(clock.instant().plus(lock))));
    }

    private RestorePoint.SegmentEntry segment(long n, String content, Duration lock) {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        String sha = ManifestCodec.sha256(b);
        StoredObject o = object("segments/" + BucketLayout.pad(n) + "/" + sha, b, lock);
        return new RestorePoint.SegmentEntry(n, "segments/" + BucketLayout.pad(n) + "/" + sha, b.length, sha, o.versionId());
    }

    private RestorePoint.ControlEntry control(long t, String name) {
        byte[] b = (name + t).getBytes(StandardCharsets.UTF_8);
        String rel = "control/" + BucketLayout.pad(t) + "/" + name;
        StoredObject o = object(rel, b, Duration.ofDays(30));
        return new RestorePoint.ControlEntry(name, rel, b.length, ManifestCodec.sha256(b), o.versionId());
    }

    private RestorePoint point(long t, RestorePoint.PreviousPoint prev, List<RestorePoint.SegmentEntry> segs) {
        return new RestorePoint(2, REPO, ID, t, clock.instant(), 1000, prev, segs, List.of(control(t, "config"), control(t, "hints." + t)),
                false);
    }

    private List<RestorePoint.SegmentEntry> segments(long t) {
        List<RestorePoint.SegmentEntry> segs = new ArrayList<>();
        for (long n = 0; n <= t; n++) {
            segs.add(segment(n, "segment " + n, Duration.ofDays(30)));
        }
        return segs;
    }

    /** Writes a point, locked, one second after the previous write; returns its link. */
    private RestorePoint.PreviousPoint put(RestorePoint p) {
        byte[] b = ManifestCodec.encode(p);
        String sha = ManifestCodec.sha256(b);
        clock.shift(Duration.ofSeconds(1));
        store.putOnce(new PutRequest(layout.point(REPO, p.transaction(), sha), ObjectSource.ofBytes(b), sha,
                Retention.compliance(clock.instant().plus(Duration.ofDays(30)))));
        clock.shift(Duration.ofSeconds(1));
        return new RestorePoint.PreviousPoint(p.transaction(), sha);
    }

    private TrustedPoints trusted() {
        return TrustedPoints.witnessed(catalog, new Attestations(store, new WitnessLayout(layout), key.getPublic()));
    }

    @Test
    void a_linear_chain_is_attested_in_order_and_restore_trusts_only_what_the_key_signed() {
        var p1 = put(point(1, null, segments(1)));
        try (PointWitness w = witness()) {
            PointWitness.Pass first = w.pass(REPO);
            assertThat(first.verdicts()).singleElement().satisfies(v -> {
                assertThat(v.attested()).isTrue();
                assertThat(v.checks().objects()).isEqualTo(4);
                assertThat(v.checks().readBackBytes()).isPositive();
                assertThat(v.previous()).isNull();
            });
            put(point(2, p1, segments(2)));
            PointWitness.Pass second = w.pass(REPO);
            assertThat(second.verdicts()).singleElement().satisfies(v -> {
                assertThat(v.transaction()).isEqualTo(2);
                assertThat(v.attested()).isTrue();
                assertThat(v.previous()).isEqualTo(new Verdict.Link(1, p1.sha256()));
                assertThat(v.checks().readBackBytes()).as("segments 0 and 1 were hashed for point 1 already")
                        .isEqualTo(("segment 2config2hints.22").length());
            });
            assertThat(w.pass(REPO).verdicts()).as("nothing new, nothing decided twice").isEmpty();
        }
        assertThat(trusted().select(REPO, "latest", null, clock.instant(), false).transaction()).isEqualTo(2);
        assertThat(trusted().list(REPO)).allMatch(TrustedPoints.Judged::attested);

        TrustedPoints otherKey = TrustedPoints.witnessed(catalog, new Attestations(store, new WitnessLayout(layout),
                WitnessKey.generate().getPublic()));
        assertThat(otherKey.list(REPO)).noneMatch(TrustedPoints.Judged::attested);
        assertThatThrownBy(() -> otherKey.select(REPO, "latest", null, clock.instant(), false)).isInstanceOf(RestoreException.class)
                .hasMessageContaining("no restore point of 'r' is attested by witness");
    }

    @Test
    void bytes_that_do_not_match_are_refused_and_the_chain_built_on_them_is_a_fork() {
        var p1 = put(point(1, null, segments(1)));
        try (PointWitness w = witness()) {
            w.pass(REPO);
            List<RestorePoint.SegmentEntry> segs = new ArrayList<>(segments(2));
            byte[] fake = "not segment 3".getBytes(StandardCharsets.UTF_8);
            String claimed = ManifestCodec.sha256("segment 3".getBytes(StandardCharsets.UTF_8));
            String rel = "segments/0000000003/" + claimed;
            String vid = store.squat(layout.repoPrefix(REPO) + rel, fake, claimed, clock.instant().plus(Duration.ofDays(30)));
            segs.add(new RestorePoint.SegmentEntry(3, rel, fake.length, claimed, vid));
            var bad = put(point(3, p1, segs));
            List<RestorePoint.SegmentEntry> s4 = new ArrayList<>(segs);
            s4.add(segment(4, "segment 4", Duration.ofDays(30)));
            put(point(4, bad, s4));
            List<Verdict> vs = w.pass(REPO).verdicts();
            assertThat(vs).extracting(Verdict::transaction, Verdict::reason).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(3L, "checksum"), org.assertj.core.groups.Tuple.tuple(4L, "fork"));
            assertThat(vs.get(0).detail()).contains(rel).contains("hashes to " + ManifestCodec.sha256(fake));
        }
        assertThat(trusted().select(REPO, "latest", null, clock.instant(), false).transaction()).isEqualTo(1);
        assertThat(catalog.select(REPO, "latest", null, clock.instant()).transaction()).as("without a witness, the forged chain wins")
                .isEqualTo(4);
        assertThatThrownBy(() -> trusted().select(REPO, "4", null, clock.instant(), false)).isInstanceOf(RestoreException.class)
                .hasMessageContaining("not attested").hasMessageContaining("refused (fork)").hasMessageContaining("--unattested");
        assertThat(trusted().select(REPO, "4", null, clock.instant(), true).transaction()).isEqualTo(4);
        assertThat(registry.get("segvault.witness.points.refused").tag("reason", "checksum").counter().count()).isEqualTo(1);

        // the agent's real next point continues the attested chain; the bucket's chain calls it a fork, the witness does not
        List<RestorePoint.SegmentEntry> real = new ArrayList<>(segments(2));
        real.add(segment(5, "segment 5", Duration.ofDays(30)));
        put(point(5, p1, real));
        try (PointWitness w = witness()) {
            assertThat(w.pass(REPO).verdicts()).singleElement().satisfies(v -> {
                assertThat(v.transaction()).isEqualTo(5);
                assertThat(v.attested()).as(v.detail()).isTrue();
            });
        }
        assertThat(catalog.list(REPO)).filteredOn(r -> r.transaction() == 5).singleElement().extracting(PointRef::consistent)
                .isEqualTo(false);
        assertThat(trusted().select(REPO, "latest", null, clock.instant(), false).transaction()).isEqualTo(5);
    }

    @Test
    void a_short_lock_a_missing_version_and_an_inconsistent_point_are_refused_with_the_reason() {
        var p1 = put(point(1, null, segments(1)));
        List<RestorePoint.SegmentEntry> shortLock = new ArrayList<>(segments(1));
        shortLock.add(segment(2, "locked one day", Duration.ofDays(1)));
        try (PointWitness w = witness()) {
            w.pass(REPO);
            put(point(2, p1, shortLock));
            assertThat(w.pass(REPO).verdicts()).singleElement().satisfies(v -> {
                assertThat(v.reason()).isEqualTo("lock");
                assertThat(v.detail()).contains("segments/0000000002/").contains("requires COMPLIANCE until at least");
            });
        }
        setUp();
        var q1 = put(point(1, null, segments(1)));
        List<RestorePoint.SegmentEntry> missing = new ArrayList<>(segments(1));
        missing.add(new RestorePoint.SegmentEntry(2, "segments/0000000002/" + "e".repeat(64), 3, "e".repeat(64), "no-such-version"));
        try (PointWitness w = witness()) {
            w.pass(REPO);
            put(point(2, q1, missing));
            put(point(3, null, segments(3))); // a second genesis
            clock.shift(Duration.ofSeconds(1));
            String squatted = layout.point(REPO, 4, "f".repeat(64));
            store.putRaw(squatted, ManifestCodec.encode(point(4, q1, segments(4)))); // bytes that are not what the key names
            assertThat(w.pass(REPO).verdicts()).extracting(Verdict::reason).containsExactly("object", "fork", "inconsistent");
        }
    }

    @Test
    void a_point_that_appears_with_a_write_time_before_the_last_listing_is_refused_for_its_order() {
        var p1 = put(point(1, null, segments(1)));
        try (PointWitness w = witness()) {
            w.pass(REPO);
            clock.shift(Duration.ofHours(-1));
            put(point(2, p1, segments(2)));
            clock.shift(Duration.ofHours(2));
            assertThat(w.pass(REPO).verdicts()).singleElement().satisfies(v -> {
                assertThat(v.reason()).isEqualTo("order");
                assertThat(v.detail()).contains("not after the last attested point");
            });
        }
    }

    @Test
    void the_read_back_budget_defers_points_and_a_failed_drill_refuses_one() {
        var p1 = put(point(1, null, segments(1)));
        try (PointWitness w = witness(new PointWitness.Settings(HORIZON, Duration.ofMinutes(5), Duration.ZERO, 20, Duration.ofDays(30)))) {
            PointWitness.Pass p = w.pass(REPO);
            assertThat(p.verdicts()).as("two objects of 9 bytes fit, the third does not").isEmpty();
            assertThat(p.waiting()).contains("read-back budget of 20 bytes/hour");
            clock.shift(Duration.ofHours(1));
            assertThat(w.pass(REPO).verdicts()).singleElement().satisfies(v -> {
                assertThat(v.attested()).isTrue();
                assertThat(v.checks().drill()).isNotNull();
            });
            assertThat(drills).hasValue(1);
            drillPasses = false;
            put(point(2, p1, List.of(segment(0, "segment 0", Duration.ofDays(30)), segment(1, "segment 1", Duration.ofDays(30)),
                    segment(2, "x", Duration.ofDays(30)))));
            clock.shift(Duration.ofHours(3));
            assertThat(w.pass(REPO).verdicts()).singleElement().extracting(Verdict::reason).isEqualTo("drill");
        }
        assertThat(registry.get("segvault.witness.drill.success").tag("repo", REPO).gauge().value()).isZero();
    }

    @Test
    void a_restarted_witness_remembers_its_verdicts_from_the_bucket_and_ignores_forged_ones() {
        var p1 = put(point(1, null, segments(1)));
        try (PointWitness w = witness()) {
            w.pass(REPO);
        }
        KeyPair attacker = WitnessKey.generate();
        Verdict forged = new Verdict(Verdict.FORMAT, Verdict.ATTESTED, REPO, 9, "borg/r/points/x.json", "1", "f".repeat(64),
                clock.instant(), clock.instant(), clock.instant(), null, "forged", null, null, WitnessKey.id(key.getPublic()));
        store.putRaw(new WitnessLayout(layout).attestation(REPO, 9, "f".repeat(64)), VerdictCodec.sign(forged, attacker.getPrivate()));
        var p2 = put(point(2, p1, segments(2)));
        try (PointWitness w = witness()) {
            assertThat(w.pass(REPO).verdicts()).singleElement().satisfies(v -> {
                assertThat(v.transaction()).isEqualTo(2);
                assertThat(v.attested()).isTrue();
                assertThat(v.previous()).isEqualTo(new Verdict.Link(1, p1.sha256()));
            });
        }
        Attestations.Loaded loaded = new Attestations(store, new WitnessLayout(layout), key.getPublic()).load(REPO);
        assertThat(loaded.verdicts()).hasSize(2);
        assertThat(loaded.unverifiable()).singleElement().asString().contains("signature does not verify");
        assertThat(trusted().select(REPO, "latest", null, clock.instant(), false).transaction()).isEqualTo(p2.transaction());
    }

    @Test
    void before_picks_the_newest_attested_point_the_server_wrote_before_the_time() {
        var p1 = put(point(1, null, segments(1)));
        Instant between;
        try (PointWitness w = witness()) {
            w.pass(REPO);
            between = clock.instant();
            clock.shift(Duration.ofMinutes(1));
            put(point(2, p1, segments(2)));
            w.pass(REPO);
        }
        PointRef before = trusted().select(REPO, null, between, clock.instant(), false);
        assertThat(before.transaction()).isEqualTo(1);
        assertThat(trusted().select(REPO, null, null, clock.instant(), false).transaction()).isEqualTo(2);
    }

    @Test
    void deltas_are_checked_in_full_against_the_point_the_witness_attested_even_when_a_forgery_took_the_bucket_chain() {
        RestorePoint c1 = format3(point(1, null, segments(1)));
        var p1 = put(c1);
        try (PointWitness w = witness()) {
            assertThat(w.pass(REPO).verdicts()).singleElement().extracting(Verdict::attested).isEqualTo(true);
            List<RestorePoint.SegmentEntry> s2 = new ArrayList<>(c1.segments());
            s2.add(segment(2, "segment 2", Duration.ofDays(30)));
            RestorePoint f2 = format3(point(2, p1, s2));
            var p2 = putBytes(ManifestCodec.encode(PointDeltas.diff(c1, f2)), 2);
            assertThat(w.pass(REPO).verdicts()).singleElement().satisfies(v -> {
                assertThat(v.attested()).as(v.detail()).isTrue();
                assertThat(v.pointSha256()).as("the delta's own bytes").isEqualTo(p2.sha256());
                assertThat(v.checks().objects()).as("the full list: 3 segments and 2 control files").isEqualTo(5);
                assertThat(v.checks().readBackBytes()).as("only what the delta adds is read back")
                        .isEqualTo(("segment 2config2hints.22").length());
            });
            // a forged successor written first (its new segment is not what it claims) takes the bucket's chain
            List<RestorePoint.SegmentEntry> forged = new ArrayList<>(s2);
            byte[] fake = "not segment 3".getBytes(StandardCharsets.UTF_8);
            String claimed = ManifestCodec.sha256("segment 3".getBytes(StandardCharsets.UTF_8));
            String rel = "segments/0000000003/" + claimed;
            forged.add(new RestorePoint.SegmentEntry(3, rel, fake.length, claimed,
                    store.squat(layout.repoPrefix(REPO) + rel, fake, claimed, clock.instant().plus(Duration.ofDays(30)))));
            RestorePoint f3 = format3(point(3, p2, forged));
            putBytes(ManifestCodec.encode(PointDeltas.diff(f2, f3)), 3);
            // the agent's real delta on point 2
            List<RestorePoint.SegmentEntry> s4 = new ArrayList<>(s2);
            s4.add(segment(4, "segment 4", Duration.ofDays(30)));
            RestorePoint f4 = format3(point(4, p2, s4));
            var p4 = putBytes(ManifestCodec.encode(PointDeltas.diff(f2, f4)), 4);
            // a delta naming a base nobody attested
            RestorePoint f5 = format3(point(5, new RestorePoint.PreviousPoint(4, "e".repeat(64)), s4));
            putBytes(ManifestCodec.encode(PointDeltas.diff(f4, f5)), 5);
            List<Verdict> vs = w.pass(REPO).verdicts();
            assertThat(vs).extracting(Verdict::transaction, Verdict::reason).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(3L, "checksum"), org.assertj.core.groups.Tuple.tuple(4L, null),
                    org.assertj.core.groups.Tuple.tuple(5L, "inconsistent"));
            assertThat(catalog.list(REPO)).filteredOn(r -> r.transaction() == 4).singleElement().extracting(PointRef::consistent)
                    .as("the bucket's chain calls the real delta a fork").isEqualTo(false);
            assertThat(vs.get(1).pointSha256()).isEqualTo(p4.sha256());
        }
    }

    private static RestorePoint format3(RestorePoint p) {
        return new RestorePoint(3, p.repo(), p.repoId(), p.transaction(), p.createdAt(), p.segmentsPerDir(), p.previous(),
                p.segments(), p.control(), p.indexOmitted());
    }

    private RestorePoint.PreviousPoint putBytes(byte[] b, long t) {
        String sha = ManifestCodec.sha256(b);
        clock.shift(Duration.ofSeconds(1));
        store.putOnce(new PutRequest(layout.point(REPO, t, sha), ObjectSource.ofBytes(b), sha,
                Retention.compliance(clock.instant().plus(Duration.ofDays(30)))));
        clock.shift(Duration.ofSeconds(1));
        return new RestorePoint.PreviousPoint(t, sha);
    }
}
