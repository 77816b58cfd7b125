package io.segvault.core.witness;

import io.segvault.core.manifest.ManifestException;
import io.segvault.core.manifest.PointDeltas;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.manifest.StoredPoint;
import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.PointRef;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the witness reads a point in full. A full point is what its bytes say. A delta is applied to the full point the
 * witness attested last (its own chain: a delta continues the attested chain only if it names that point, which the
 * fork rule checks too), so a forged point that the bucket's chain took first cannot stop the witness from reading the
 * agent's real delta. Without that memory (the first point after a restart) a delta is materialized through the bucket's
 * consistent chain. Either way at most {@link PointDeltas#MAX_DEPTH} deltas follow a checkpoint.
 */
final class AttestedBases {

    private record Base(long transaction, String sha256, RestorePoint full, int depth) {
    }

    private final PointCatalog catalog;
    private final Map<String, Base> last = new ConcurrentHashMap<>();
    /** Per repository, the point version read last and what its bytes say (so attesting it does not read it again). */
    private final Map<String, Map.Entry<String, StoredPoint>> read = new ConcurrentHashMap<>();

    AttestedBases(PointCatalog catalog) {
        this.catalog = catalog;
    }

    /** The point {@code ref} stands for, in full. */
    RestorePoint read(PointRef ref) {
        StoredPoint s = catalog.readStored(ref);
        read.put(ref.repo(), Map.entry(ref.key() + "@" + ref.versionId(), s));
        if (!s.delta()) {
            return s.point();
        }
        RestorePoint.PreviousPoint prev = s.point().previous();
        Base b = last.get(ref.repo());
        if (b != null && b.transaction == prev.transaction() && b.sha256.equals(prev.sha256())) {
            if (b.depth >= PointDeltas.MAX_DEPTH) {
                throw new ManifestException(ref.key(), "would be delta number " + (b.depth + 1) + " after its checkpoint; at most "
                        + PointDeltas.MAX_DEPTH + " deltas may follow a checkpoint", null);
            }
            return PointDeltas.apply(b.full, s, ref.key());
        }
        return catalog.read(ref);
    }

    /** The witness attested {@code ref}, which stands for {@code full}: a delta naming it is read against it. */
    void attested(PointRef ref, RestorePoint full) {
        Map.Entry<String, StoredPoint> r = read.remove(ref.repo());
        StoredPoint s = r != null && r.getKey().equals(ref.key() + "@" + ref.versionId()) ? r.getValue() : catalog.readStored(ref);
        Base b = last.get(ref.repo());
        int depth;
        if (!s.delta()) {
            depth = 0;
        } else if (b != null && b.transaction == s.point().previous().transaction()
                && b.sha256.equals(s.point().previous().sha256())) {
            depth = b.depth + 1;
        } else {
            depth = Math.max(0, catalog.dependencies(ref).size() - 1);
        }
        last.put(ref.repo(), new Base(ref.transaction(), ref.sha256(), full, depth));
    }
}
