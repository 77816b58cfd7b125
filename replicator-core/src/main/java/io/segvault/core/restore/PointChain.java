package io.segvault.core.restore;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.layout.InvalidKeyException;
import io.segvault.core.manifest.ManifestException;
import io.segvault.core.manifest.PointDeltas;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.manifest.StoredPoint;
import io.segvault.core.store.ObjectVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which restore points of a repository form its chain. Nothing a writer of the bucket can claim (key names,
 * transaction numbers, metadata, which version came first at a key) decides on its own; what decides is the bytes
 * (hashed here), Borg's structure, and the order in which the server wrote the versions (LastModified).
 *
 * <p>Point versions are taken in the order the server wrote them. The first readable, well-formed one is the root of
 * the chain (its predecessor may have been removed by gc). Each later one joins the chain only if it names the current
 * head (transaction and SHA-256 of its exact bytes) as its previous point and has a higher transaction; anything else
 * is a second genesis, a fork, a dangling link or a rollback and is inconsistent. A point is also inconsistent when its
 * bytes do not hash to the SHA-256 in its key, when it is larger than a bound derived from its predecessor (it is then
 * never read), when it names another Borg repository than the chain, or when its contents disagree with Borg's
 * structure: the segment holding the commit (n = T) must be listed, no segment above T, ascending numbers, and control
 * files must be those of transaction T (config and hints.T at least).
 */
final class PointChain {

    /** Bytes per segment entry a point may use (today's entries take about 280). */
    static final long BYTES_PER_ENTRY = 1024;
    /** Room for everything else in a point. */
    static final long FIXED_BYTES = 64 * 1024;

    private final PointCatalog catalog;
    private final BucketLayout layout;
    private final long maxPointBytes;

    PointChain(PointCatalog catalog, long maxPointBytes) {
        this.catalog = catalog;
        this.layout = catalog.layout();
        this.maxPointBytes = maxPointBytes;
    }

    /**
     * A point that joined the chain.
     *
     * @param segments segments of the repository at this point (for a delta: after applying it to its base)
     * @param depth    deltas since the last checkpoint (0 for a full point)
     */
    record Link(long transaction, String sha256, int segments, String repoId, int depth) {
    }

    /** Every point version of {@code repo}, each marked consistent or not, highest transaction first. */
    List<PointRef> resolve(String repo, List<ObjectVersion> versions) {
        List<Candidate> candidates = new ArrayList<>();
        Map<String, Integer> perKey = new HashMap<>();
        for (ObjectVersion v : versions) {
            if (v.deleteMarker()) {
                continue;
            }
            try {
                if (layout.parse(v.key()) instanceof BucketLayout.PointKey pk) {
                    candidates.add(new Candidate(v, pk));
                    perKey.merge(v.key(), 1, Integer::sum);
                }
            } catch (InvalidKeyException e) {
                // not a point key of this format: verify reports it
            }
        }
        candidates.sort(Comparator.comparing((Candidate c) -> c.version.lastModified())
                .thenComparingLong(c -> c.key.transaction()).thenComparing(c -> c.version.key()));
        List<PointRef> out = new ArrayList<>();
        Map<String, Link> accepted = new HashMap<>();
        Set<String> seenBytes = new HashSet<>();
        Link head = null;
        Set<Long> headNumbers = new HashSet<>();
        for (Candidate c : candidates) {
            Judged j = judge(repo, c, head, accepted, headNumbers);
            if (j.sha256 != null && !seenBytes.add(c.version.key() + "#" + j.sha256)) {
                continue; // the same bytes again at the same key: one point, not two
            }
            if (j.problem == null) {
                head = j.link;
                advance(headNumbers, j.facts);
                accepted.put(j.link.transaction + "/" + j.link.sha256, j.link);
            }
            out.add(new PointRef(repo, c.key.transaction(), c.version.key(), c.version.versionId(), c.version.lastModified(),
                    0, j.sha256, j.problem));
        }
        List<PointRef> counted = new ArrayList<>();
        for (PointRef r : out) {
            counted.add(r.withForeignVersions(perKey.get(r.key()) - 1));
        }
        counted.sort(Comparator.comparingLong(PointRef::transaction).reversed()
                .thenComparing((PointRef r) -> r.consistent() ? 0 : 1).thenComparing(PointRef::written, Comparator.reverseOrder()));
        return counted;
    }

    private record Candidate(ObjectVersion version, BucketLayout.PointKey key) {
    }

    private record Judged(String sha256, String problem, Link link, Facts facts) {
        static Judged bad(String sha256, String problem) {
            return new Judged(sha256, problem, null, null);
        }
    }

    /** The segment numbers of the new head: a full point's own, or the base's with a delta applied. */
    private static void advance(Set<Long> numbers, Facts f) {
        if (!f.delta()) {
            numbers.clear();
        }
        for (long n : f.removed()) {
            numbers.remove(n);
        }
        for (long n : f.numbers()) {
            numbers.add(n);
        }
    }

    /**
     * What one point version's bytes say, whatever the chain around it: computed once per version (a version's bytes never
     * change) and kept by the catalog, so a caller that lists again (the witness, every pass) reads only new versions.
     *
     * @param sha256   SHA-256 of the bytes
     * @param problem  what is wrong with the bytes alone (key, decoding, Borg structure), or null
     * @param point    transaction, segment count, repository id and previous link when the bytes are well-formed
     * @param delta    true for a format-3 delta
     * @param numbers  the segment numbers a full point lists, or those a delta adds
     * @param removed  the segment numbers a delta removes
     */
    record Facts(String sha256, String problem, Link point, RestorePoint.PreviousPoint previous, boolean delta, long[] numbers,
                 long[] removed) {
        static Facts bad(String sha256, String problem) {
            return new Facts(sha256, problem, null, null, false, new long[0], new long[0]);
        }
    }

    private Judged judge(String repo, Candidate c, Link head, Map<String, Link> accepted, Set<Long> headNumbers) {
        long t = c.key.transaction();
        long bound = bound(t, head);
        if (c.version.size() > bound) {
            return Judged.bad(null, "is " + c.version.size() + " bytes, above the " + bound + " bytes a point of transaction " + t
                    + " may take here (not read)");
        }
        Facts f = catalog.facts(c.version, () -> facts(repo, c, bound));
        if (f.problem() != null) {
            return Judged.bad(f.sha256(), f.problem());
        }
        Link link = f.point();
        if (head == null) {
            return f.delta() ? Judged.bad(f.sha256(), "is a delta point whose base (point " + f.previous().transaction()
                    + ") is not in the consistent chain: it cannot be materialized") : new Judged(f.sha256(), null, link, f);
        }
        if (!link.repoId.equals(head.repoId)) {
            return Judged.bad(f.sha256(), "names Borg repository " + link.repoId + ", but the chain is repository " + head.repoId);
        }
        String problem = linkProblem(link.transaction, f.previous(), head, accepted);
        if (problem != null || !f.delta()) {
            return new Judged(f.sha256(), problem, problem == null ? link : null, f);
        }
        return judgeDelta(f, head, headNumbers);
    }

    /** A delta whose base is the head: at most {@link PointDeltas#MAX_DEPTH} deltas past a checkpoint, removing only what exists. */
    private static Judged judgeDelta(Facts f, Link head, Set<Long> headNumbers) {
        if (head.depth >= PointDeltas.MAX_DEPTH) {
            return Judged.bad(f.sha256(), "would be delta number " + (head.depth + 1) + " after its checkpoint; at most "
                    + PointDeltas.MAX_DEPTH + " deltas may follow a checkpoint");
        }
        int count = headNumbers.size();
        for (long n : f.removed()) {
            if (!headNumbers.contains(n)) {
                return Judged.bad(f.sha256(), "removes segment " + n + ", which its base point " + head.transaction
                        + " does not have");
            }
            count--;
        }
        for (long n : f.numbers()) {
            count += headNumbers.contains(n) ? 0 : 1;
        }
        Link link = f.point();
        return new Judged(f.sha256(), null, new Link(link.transaction, link.sha256, count, link.repoId, head.depth + 1), f);
    }

    private Facts facts(String repo, Candidate c, long bound) {
        long t = c.key.transaction();
        PointCatalog.Decoded d;
        try {
            d = catalog.decode(c.version.key(), c.version.versionId(), bound, repo);
        } catch (ManifestException e) {
            return Facts.bad(null, e.getMessage());
        }
        String sha = d.sha256();
        if (c.key.sha256() != null && !c.key.sha256().equals(sha)) {
            return Facts.bad(sha, "version " + c.version.versionId() + " hashes to " + sha + ", not the SHA-256 its key names "
                    + "(not segvault's bytes)");
        }
        if (d.problem() != null) {
            return Facts.bad(sha, d.problem().getMessage());
        }
        StoredPoint s = d.point();
        RestorePoint p = s.point();
        String structure = s.delta() ? PointStructure.deltaProblem(s, t) : PointStructure.structureProblem(p, t);
        if (structure != null) {
            return Facts.bad(sha, structure);
        }
        long[] numbers = p.segments().stream().mapToLong(RestorePoint.SegmentEntry::n).toArray();
        long[] removed = s.removed().stream().mapToLong(Long::longValue).toArray();
        return new Facts(sha, null, new Link(t, sha, p.segments().size(), p.repoId(), 0), p.previous(), s.delta(), numbers,
                removed);
    }

    private static String linkProblem(long transaction, RestorePoint.PreviousPoint prev, Link head, Map<String, Link> accepted) {
        if (prev == null) {
            return "has no previous point, but the chain already began (a second genesis)";
        }
        if (prev.transaction() == head.transaction && prev.sha256().equals(head.sha256)) {
            return transaction > head.transaction ? null
                    : "has transaction " + transaction + ", not above its previous point " + head.transaction;
        }
        if (accepted.containsKey(prev.transaction() + "/" + prev.sha256())) {
            return "forks the chain: its previous point " + prev.transaction() + " already has a successor written before it";
        }
        return "names previous point " + prev.transaction() + " (SHA-256 " + prev.sha256() + "), which is not the chain's "
                + "point before it (" + head.transaction + ")";
    }

    /** At most the configured maximum; after the root, what the predecessor's size and the gap in transactions allow. */
    private long bound(long t, Link head) {
        if (head == null) {
            return maxPointBytes;
        }
        long gap = Math.max(0, Math.min(t - head.transaction, maxPointBytes / BYTES_PER_ENTRY));
        long entries = head.segments + gap + 8;
        return Math.min(maxPointBytes, FIXED_BYTES + entries * BYTES_PER_ENTRY);
    }
}
