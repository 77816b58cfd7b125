package io.segvault.core.restore;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.layout.InvalidKeyException;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.ManifestException;
import io.segvault.core.manifest.RestorePoint;
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

    /** A point that joined the chain. */
    record Link(long transaction, String sha256, int segments, String repoId) {
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
        for (Candidate c : candidates) {
            Judged j = judge(repo, c, head, accepted);
            if (j.sha256 != null && !seenBytes.add(c.version.key() + "#" + j.sha256)) {
                continue; // the same bytes again at the same key: one point, not two
            }
            if (j.problem == null) {
                head = j.link;
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

    private record Judged(String sha256, String problem, Link link) {
        static Judged bad(String sha256, String problem) {
            return new Judged(sha256, problem, null);
        }
    }

    /**
     * What one point version's bytes say, whatever the chain around it: computed once per version (a version's bytes never
     * change) and kept by the catalog, so a caller that lists again (the witness, every pass) reads only new versions.
     *
     * @param sha256   SHA-256 of the bytes
     * @param problem  what is wrong with the bytes alone (key, decoding, Borg structure), or null
     * @param point    transaction, segment count, repository id and previous link when the bytes are well-formed
     */
    record Facts(String sha256, String problem, Link point, RestorePoint.PreviousPoint previous) {
    }

    private Judged judge(String repo, Candidate c, Link head, Map<String, Link> accepted) {
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
            return new Judged(f.sha256(), null, link);
        }
        if (!link.repoId.equals(head.repoId)) {
            return Judged.bad(f.sha256(), "names Borg repository " + link.repoId + ", but the chain is repository " + head.repoId);
        }
        return new Judged(f.sha256(), linkProblem(link.transaction, f.previous(), head, accepted), link);
    }

    private Facts facts(String repo, Candidate c, long bound) {
        long t = c.key.transaction();
        byte[] bytes;
        try {
            bytes = catalog.bytes(c.version.key(), c.version.versionId(), bound);
        } catch (ManifestException e) {
            return new Facts(null, e.getMessage(), null, null);
        }
        String sha = ManifestCodec.sha256(bytes);
        if (c.key.sha256() != null && !c.key.sha256().equals(sha)) {
            return new Facts(sha, "version " + c.version.versionId() + " hashes to " + sha + ", not the SHA-256 its key names "
                    + "(not segvault's bytes)", null, null);
        }
        RestorePoint p;
        try {
            p = ManifestCodec.decodePoint(bytes, c.version.key(), repo, layout);
        } catch (ManifestException e) {
            return new Facts(sha, e.getMessage(), null, null);
        }
        String structure = structureProblem(p, t);
        if (structure != null) {
            return new Facts(sha, structure, null, null);
        }
        return new Facts(sha, null, new Link(t, sha, p.segments().size(), p.repoId()), p.previous());
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

    /** Borg's structure: the commit's segment is listed, nothing above T, ascending, control files of T. */
    static String structureProblem(RestorePoint p, long keyTransaction) {
        long t = p.transaction();
        if (t != keyTransaction) {
            return "says transaction " + t + " under the key of transaction " + keyTransaction;
        }
        long last = -1;
        boolean commit = false;
        for (RestorePoint.SegmentEntry s : p.segments()) {
            if (s.n() <= last || s.n() > t) {
                return "lists segment " + s.n() + " out of order or above its transaction " + t;
            }
            last = s.n();
            commit |= s.n() == t;
        }
        if (!commit) {
            return "does not list segment " + t + ", the segment that holds the commit of transaction " + t;
        }
        Set<String> names = new HashSet<>();
        for (RestorePoint.ControlEntry c : p.control()) {
            String[] parts = c.key().split("/");
            if (parts.length < 2 || !parts[1].equals(BucketLayout.pad(t))) {
                return "names control file " + c.key() + ", which is not a control file of transaction " + t;
            }
            names.add(c.name());
        }
        if (!names.contains("config") || !names.contains("hints." + t)) {
            return "lacks config or hints." + t + " of transaction " + t;
        }
        return null;
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
