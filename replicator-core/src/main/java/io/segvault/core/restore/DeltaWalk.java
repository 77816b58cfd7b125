package io.segvault.core.restore;

import io.segvault.core.manifest.ManifestException;
import io.segvault.core.manifest.PointDeltas;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.manifest.StoredPoint;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Materializes a delta point: walks its {@code previous} links back to a checkpoint through the consistent chain only
 * (every base read at the version the chain accepted and checked by the SHA-256 of its exact bytes), at most
 * {@link PointDeltas#MAX_DEPTH} deltas deep, then applies the deltas forward. A delta outside the consistent chain, or
 * whose base is not in it, cannot be materialized.
 */
final class DeltaWalk {

    private final PointCatalog catalog;

    DeltaWalk(PointCatalog catalog) {
        this.catalog = catalog;
    }

    RestorePoint materialize(PointRef ref, StoredPoint delta) {
        if (!ref.consistent()) {
            throw new ManifestException(ref.key(), "is a delta point outside the consistent chain (" + ref.problem()
                    + "); it cannot be materialized", null);
        }
        Map<String, PointRef> chain = catalog.chainByLink(ref);
        if (!ref.equals(chain.get(PointCatalog.link(ref.transaction(), ref.sha256())))) {
            throw new ManifestException(ref.key(), "is no longer in the consistent chain; it cannot be materialized", null);
        }
        Deque<StoredPoint> deltas = new ArrayDeque<>();
        StoredPoint current = delta;
        RestorePoint known = null;
        while (current.delta()) {
            if (deltas.size() > PointDeltas.MAX_DEPTH) {
                throw new ManifestException(ref.key(), "depends on more than " + PointDeltas.MAX_DEPTH
                        + " deltas before a checkpoint", null);
            }
            deltas.push(current);
            RestorePoint.PreviousPoint prev = current.point().previous();
            known = catalog.materialized(prev.transaction(), prev.sha256());
            if (known != null) {
                break;
            }
            PointRef base = chain.get(PointCatalog.link(prev.transaction(), prev.sha256()));
            if (base == null) {
                throw new ManifestException(ref.key(), "depends on base point " + prev.transaction() + " (SHA-256 " + prev.sha256()
                        + "), which is not a point of the consistent chain; the delta cannot be materialized", null);
            }
            current = catalog.readStored(base);
        }
        RestorePoint full = known != null ? known : current.point();
        while (!deltas.isEmpty()) {
            full = PointDeltas.apply(full, deltas.pop(), ref.key());
        }
        String problem = PointStructure.structureProblem(full, ref.transaction());
        if (problem != null) {
            throw new ManifestException(ref.key(), "materialized: " + problem, null);
        }
        return full;
    }
}
