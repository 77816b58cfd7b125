package io.segvault.core.witness;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.layout.InvalidKeyException;
import io.segvault.core.manifest.ManifestException;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.PointRef;
import io.segvault.core.store.ObjectReader;
import io.segvault.core.store.ObjectVersion;
import io.segvault.core.store.OnceWriter;

/**
 * The witness's checks of every new restore point of a repository, and its signed verdicts. A point is attested only
 * when it continues the chain the witness attested so far, its write time agrees with the transaction order and with
 * when the witness first saw it, every object it names exists at that version with the size it claims, is
 * COMPLIANCE-locked at least to the horizon and hashes to the SHA-256 it claims (read back within the byte budget), and,
 * when a drill is due, it restores into a repository {@code borg check} accepts. Anything else is refused, once, with
 * the reason. Everything it reads comes from the bucket through a read-only identity; it writes only its own prefix.
 */
public final class PointWitness implements AutoCloseable {

    /**
     * @param horizon          every object of an attested point must stay locked at least this long from now
     * @param clockSkew        tolerance between the server's clock and the witness's
     * @param drillInterval    how often a point is drilled (restore + borg check); null: never; zero: every point
     * @param readBackPerHour  bytes per hour the witness may read to hash objects
     * @param verdictRetention how long verdicts stay COMPLIANCE-locked
     */
    public record Settings(Duration horizon, Duration clockSkew, Duration drillInterval, long readBackPerHour,
                           Duration verdictRetention) {
    }

    /** Runs a drill on one point. */
    @FunctionalInterface
    public interface DrillRunner {
        Verdict.DrillCheck drill(PointRef ref);
    }

    /**
     * @param repo     repository
     * @param verdicts the verdicts written in this pass, oldest first
     * @param waiting  why the pass stopped before deciding every new point (the read-back budget), or null
     * @param foreign  foreign versions and keys under the repository prefix
     */
    public record Pass(String repo, List<Verdict> verdicts, String waiting, int foreign) {
    }

    private final PointCatalog catalog;
    private final ObjectReader store;
    private final VerdictWrites verdictWrites;
    private final BucketLayout layout;
    private final WitnessLayout witnessLayout;
    private final KeyPair key;
    private final String keyId;
    private final WitnessState state;
    private final DrillRunner drills;
    private final WitnessMetrics metrics;
    private final Clock clock;
    private final Settings settings;
    private final ReadBudget budget;
    private final Map<String, Memory> memory = new HashMap<>();
    private final AttestedBases bases;

    /** What the witness attested of a repository so far (from its own signed verdicts in the bucket). */
    private static final class Memory {
        final Set<Attestations.PointId> decided = new HashSet<>();
        Verdict last;
        String lastRepoId;
        Instant lastDrill;
    }

    private record Outcome(Verdict verdict, String waiting) {
    }

    // eight parameters: the witness's collaborators (reads, its one write, key, state, drills, metrics, clock) and settings,
    // each needed by the checks; grouping them would only hide what the witness depends on
    public PointWitness(PointCatalog catalog, OnceWriter verdictWriter, KeyPair key, Path stateDir, DrillRunner drills,
                        WitnessMetrics metrics, Clock clock, Settings settings) {
        this.catalog = catalog;
        this.store = catalog.store();
        this.verdictWrites = new VerdictWrites(verdictWriter, clock, settings.verdictRetention());
        this.layout = catalog.layout();
        this.witnessLayout = new WitnessLayout(layout);
        this.key = key;
        this.keyId = WitnessKey.id(key.getPublic());
        this.state = new WitnessState(stateDir);
        this.drills = drills;
        this.metrics = metrics;
        this.clock = clock;
        this.settings = settings;
        this.budget = new ReadBudget(settings.readBackPerHour(), clock);
        this.bases = new AttestedBases(catalog);
    }

    public String keyId() {
        return keyId;
    }

    /** One pass over {@code repo}: every point version not decided yet, in the order the server wrote them. */
    public synchronized Pass pass(String repo) {
        Instant listedAt = clock.instant();
        Memory m = memory.computeIfAbsent(repo, this::remember);
        List<PointRef> all = catalog.list(repo);
        Instant previousListing = state.lastListed(repo);
        Map<PointRef, Instant> firstSeen = new HashMap<>();
        all.forEach(r -> firstSeen.put(r, state.firstSeen(r.key(), r.versionId(), listedAt)));
        all.stream().map(PointRef::written).max(Comparator.naturalOrder()).ifPresent(t -> metrics.newestPoint(repo, t));
        List<PointRef> todo = all.stream().filter(r -> !m.decided.contains(new Attestations.PointId(r.key(), r.versionId())))
                .sorted(Comparator.comparing(PointRef::written).thenComparingLong(PointRef::transaction)).toList();
        List<Verdict> out = new ArrayList<>();
        String waiting = null;
        for (int i = 0; i < todo.size(); i++) {
            PointRef ref = todo.get(i);
            Instant seen = firstSeen.get(ref);
            boolean newNow = seen.equals(listedAt) && previousListing != null;
            Outcome o = judge(repo, ref, m, seen, newNow ? previousListing : null, i == todo.size() - 1);
            if (o.waiting() != null) {
                waiting = o.waiting();
                break;
            }
            record(repo, m, o.verdict());
            out.add(o.verdict());
        }
        int foreign = foreign(repo, all);
        metrics.foreign(repo, foreign);
        state.listed(repo, listedAt);
        state.flush();
        return new Pass(repo, out, waiting, foreign);
    }

    /** Marks the end of a pass over every repository (the pass-timestamp metric). */
    public void passCompleted() {
        metrics.passCompleted(clock.instant());
    }

    private Memory remember(String repo) {
        Memory m = new Memory();
        for (Verdict v : new Attestations(store, witnessLayout, key.getPublic()).load(repo).verdicts().values()) {
            m.decided.add(new Attestations.PointId(v.pointKey(), v.pointVersionId()));
            if (v.attested() && (m.last == null || v.transaction() > m.last.transaction())) {
                m.last = v;
            }
            Instant drilled = v.checks() != null && v.checks().drill() != null ? v.checks().drill().at()
                    : "drill".equals(v.reason()) ? v.at() : null;
            if (drilled != null && (m.lastDrill == null || drilled.isAfter(m.lastDrill))) {
                m.lastDrill = drilled;
            }
        }
        metrics.watch(repo);
        if (m.last != null) {
            metrics.attested(repo, m.last.pointWritten(), m.last.checks() == null ? null : m.last.checks().lockHorizon());
        }
        return m;
    }

    private Outcome judge(String repo, PointRef ref, Memory m, Instant firstSeen, Instant previousListing, boolean newest) {
        RestorePoint point;
        try {
            point = readOwnChain(ref, m);
        } catch (ManifestException e) {
            return refuse(ref, firstSeen, "inconsistent", e.getMessage(), m);
        }
        String order = ChainCheck.orderProblem(ref, point, m.last, firstSeen, previousListing, settings.clockSkew());
        if (order != null) {
            return refuse(ref, firstSeen, order.startsWith("fork:") ? "fork" : "order", order.substring(order.indexOf(':') + 2), m);
        }
        ObjectCheck objects = new ObjectCheck(store, state, budget, metrics, settings, repo);
        String[] problem = objects.run(ref, point, layout.repoPrefix(repo), clock.instant());
        if (problem != null && problem[0].equals("wait")) {
            return new Outcome(null, problem[1]);
        }
        if (problem != null) {
            return refuse(ref, firstSeen, problem[0], problem[1], m);
        }
        Verdict.DrillCheck drill = null;
        Instant now = clock.instant();
        // zero: every point; else the newest new point, once the interval has passed since the last drill
        Duration every = settings.drillInterval();
        boolean due = every != null && (every.isZero()
                || newest && (m.lastDrill == null || !now.isBefore(m.lastDrill.plus(every))));
        if (due) {
            drill = drills.drill(ref);
            m.lastDrill = drill.at();
            metrics.drill(repo, drill.ok(), drill.at());
            if (!drill.ok()) {
                return refuse(ref, firstSeen, "drill", (drill.borgExit() < 0 ? "the drill could not restore the point: "
                        : "the drill's borg check exited " + drill.borgExit() + " on the restored point: ") + drill.note(), m);
            }
        }
        bases.attested(ref, point);
        Verdict.Checks checks = new Verdict.Checks(objects.count, objects.bytes, objects.readBack, objects.horizon, drill);
        return new Outcome(new Verdict(Verdict.FORMAT, Verdict.ATTESTED, repo, ref.transaction(), ref.key(), ref.versionId(),
                ref.sha256(), ref.written(), firstSeen, clock.instant(), null, objects.count + " objects checked"
                + (m.last == null ? "; first point this witness attests for the repository" : ""), checks, link(m.last), keyId), null);
    }

    /**
     * The point's bytes and Borg structure, judged on their own: the witness follows its own chain (from its last
     * attestation), not the bucket's, so a consistent-looking point an attacker wrote first cannot push a real successor of
     * the last attested point out. Only the very first attestation of a repository also asks the bucket's chain.
     */
    private RestorePoint readOwnChain(PointRef ref, Memory m) {
        String problem = ChainCheck.bytesProblem(ref, layout, m.last == null);
        if (problem != null) {
            throw new ManifestException(ref.key(), problem, null);
        }
        RestorePoint point = bases.read(ref);
        String structure = PointCatalog.structureProblem(point, ref.transaction());
        if (structure != null) {
            throw new ManifestException(ref.key(), structure, null);
        }
        if (m.last != null) {
            if (m.lastRepoId == null) {
                m.lastRepoId = catalog.read(new PointRef(ref.repo(), m.last.transaction(), m.last.pointKey(), m.last.pointVersionId(),
                        m.last.pointWritten(), 0, m.last.pointSha256(), null)).repoId();
            }
            if (!point.repoId().equals(m.lastRepoId)) {
                throw new ManifestException(ref.key(), "names Borg repository " + point.repoId() + ", but the attested chain is "
                        + "repository " + m.lastRepoId, null);
            }
        }
        return point;
    }

    private static Verdict.Link link(Verdict last) {
        return last == null ? null : new Verdict.Link(last.transaction(), last.pointSha256());
    }

    private Outcome refuse(PointRef ref, Instant firstSeen, String reason, String detail, Memory m) {
        return new Outcome(new Verdict(Verdict.FORMAT, Verdict.REFUSED, ref.repo(), ref.transaction(), ref.key(), ref.versionId(),
                ref.sha256(), ref.written(), firstSeen, clock.instant(), reason, detail, null, link(m.last), keyId), null);
    }

    private void record(String repo, Memory m, Verdict v) {
        String objectKey = v.attested() ? witnessLayout.attestation(repo, v.transaction(), v.pointSha256())
                : witnessLayout.refusal(repo, v.transaction(), v.pointKey(), v.pointVersionId());
        verdictWrites.write(objectKey, VerdictCodec.sign(v, key.getPrivate()));
        m.decided.add(new Attestations.PointId(v.pointKey(), v.pointVersionId()));
        if (v.attested()) {
            m.last = v;
            m.lastRepoId = null;
            metrics.attested(repo, v.pointWritten(), v.checks().lockHorizon());
        } else {
            metrics.refused(repo, v.reason());
        }
    }

    /** Keys outside the format, delete markers, and versions at point keys that are not the point. */
    private int foreign(String repo, List<PointRef> points) {
        int n = points.stream().mapToInt(PointRef::foreignVersions).sum();
        for (ObjectVersion v : store.listVersions(layout.repoPrefix(repo))) {
            if (v.deleteMarker()) {
                n++;
                continue;
            }
            try {
                layout.parse(v.key());
            } catch (InvalidKeyException e) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        state.close();
    }
}
