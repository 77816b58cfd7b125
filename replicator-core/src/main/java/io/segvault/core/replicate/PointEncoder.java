package io.segvault.core.replicate;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.manifest.PointDeltas;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.manifest.StoredPoint;
import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.PointRef;
import io.segvault.core.store.ObjectReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how a new restore point is written (format 3): a delta against the previous point when that point is known in
 * full and is in the consistent chain, fewer than {@link PointDeltas#MAX_DEPTH} deltas follow its checkpoint, and the
 * delta is at most a quarter of the full point; a checkpoint (full point) otherwise. A delta that small is known without
 * encoding the checkpoint when it is below a quarter of {@link #MIN_ENTRY_BYTES} per entry. The previous point is the one this
 * agent wrote last in this process, or else it is read back from the bucket's consistent chain (after a restart); either
 * way it must be the head of the bucket's consistent chain when the delta is written.
 */
public final class PointEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(PointEncoder.class);

    /**
     * Fewer bytes than any segment entry of a checkpoint takes (its SHA-256 alone is 64 hex digits): a delta of at most a
     * quarter of this per entry is at most a quarter of the checkpoint, which then need not be encoded to compare.
     */
    static final long MIN_ENTRY_BYTES = 64;

    /** Kept across passes: a point version's bytes are judged once (only needed when the previous point is not remembered). */
    private final PointCatalog catalog;
    /** Per repository, the last point written (in full) and the keys of the points it depends on. */
    private final Map<String, Written> last = new ConcurrentHashMap<>();

    public PointEncoder(ObjectReader store, BucketLayout layout) {
        this.catalog = new PointCatalog(store, layout);
    }

    /**
     * A point ready to write.
     *
     * @param stored     what its bytes say (a checkpoint or a delta)
     * @param bytes      its exact bytes
     * @param full       the full point it stands for
     * @param dependsOn  full keys of the points it depends on (its base back to the checkpoint; empty for a checkpoint)
     * @param foreignHead the key of the bucket's consistent head when that is not the previous point (a point this agent
     *                    did not record took the chain: the new point cannot join it), else null
     */
    public record Encoded(StoredPoint stored, PointBody body, RestorePoint full, List<String> dependsOn, String foreignHead) {

        /** The exact bytes (read back when spooled). */
        public byte[] bytes() {
            return body.bytes();
        }
    }

    private record Written(long transaction, String sha256, RestorePoint full, List<String> chain) {
    }

    /** Encodes {@code full} (format 3, its {@code previous} set) as a delta or a checkpoint, in memory. */
    public Encoded encode(RestorePoint full) {
        return encode(full, null);
    }

    /**
     * Encodes {@code full} (format 3, its {@code previous} set) as a delta or a checkpoint; a large encoding is spooled to a
     * file in {@code spoolDir} (null: kept in memory). The caller closes the returned body.
     */
    public Encoded encode(RestorePoint full, Path spoolDir) {
        RestorePoint.PreviousPoint previous = full.previous();
        Optional<PointRef> head = previous == null ? Optional.empty() : head(full.repo());
        String foreignHead = head.filter(h -> h.transaction() != previous.transaction() || !previous.sha256().equals(h.sha256()))
                .map(PointRef::key).orElse(null);
        Optional<Encoded> delta = head.isEmpty() || foreignHead != null ? Optional.empty() : deltaOnPrevious(full, spoolDir);
        if (delta.isPresent() && delta.get().body().size() * 4 <= MIN_ENTRY_BYTES * full.segments().size()) {
            return delta.get(); // at most a quarter of any checkpoint of these entries: that one is not encoded at all
        }
        PointBody checkpoint = PointBody.encode(StoredPoint.full(full), spoolDir);
        if (delta.isEmpty() || delta.get().body().size() > checkpoint.size() / 4) {
            delta.ifPresent(d -> d.body().close());
            return new Encoded(StoredPoint.full(full), checkpoint, full, List.of(), foreignHead);
        }
        checkpoint.close();
        return delta.get();
    }

    /**
     * {@code full} as a delta on its previous point, whatever the chain's head: also how a pass that stopped after writing
     * its point and before recording it may have written it (that point is then the head, and is adopted, not foreign).
     * Empty when the previous point cannot be read in full or {@link PointDeltas#MAX_DEPTH} deltas already follow its
     * checkpoint.
     */
    public Optional<Encoded> deltaOnPrevious(RestorePoint full) {
        return deltaOnPrevious(full, null);
    }

    /** As {@link #deltaOnPrevious(RestorePoint)}, a large delta spooled to a file in {@code spoolDir}. */
    public Optional<Encoded> deltaOnPrevious(RestorePoint full, Path spoolDir) {
        if (full.previous() == null) {
            return Optional.empty();
        }
        return base(full.repo(), full.previous()).filter(b -> b.chain.size() <= PointDeltas.MAX_DEPTH).map(b -> {
            StoredPoint d = PointDeltas.diff(b.full, full);
            return new Encoded(d, PointBody.encode(d, spoolDir), full, b.chain, null);
        });
    }

    /**
     * The segment entries of {@code previous} in full (ascending by number): the point this agent wrote last in this
     * process, or else read back through the bucket's consistent chain by the transaction and SHA-256 its ledger recorded
     * (then kept, so the delta of the same pass does not read it again). Empty when neither can be had.
     */
    public List<RestorePoint.SegmentEntry> previousSegments(String repo, RestorePoint.PreviousPoint previous) {
        return previous == null ? List.of() : base(repo, previous).map(w -> w.full.segments()).orElse(List.of());
    }

    /** The point version of the bucket's consistent chain at {@code point}'s transaction whose bytes hash to its SHA-256. */
    public Optional<PointRef> chainPoint(String repo, RestorePoint.PreviousPoint point) {
        try {
            return catalog.chain(repo).stream()
                    .filter(p -> p.transaction() == point.transaction() && point.sha256().equals(p.sha256())).findFirst();
        } catch (RuntimeException e) {
            LOG.info("{}: the chain cannot be listed ({})", repo, e.toString());
            return Optional.empty();
        }
    }

    /** {@code previous} in full: remembered, or read back through the bucket's consistent chain; empty if neither. */
    public Optional<RestorePoint> previousPoint(String repo, RestorePoint.PreviousPoint previous) {
        return base(repo, previous).map(w -> w.full);
    }

    /** Records that {@code encoded} was written (or adopted) at {@code key} with bytes hashing to {@code sha256}. */
    public void written(Encoded encoded, String key, String sha256) {
        List<String> chain = new ArrayList<>();
        chain.add(key);
        chain.addAll(encoded.dependsOn());
        RestorePoint full = encoded.full();
        last.put(full.repo(), new Written(full.transaction(), sha256, full, List.copyOf(chain)));
    }

    /**
     * The head of the bucket's consistent chain now; a new point joins the chain only as its successor. When the head is
     * not the previous point (a forged point took the chain first), the new point is inconsistent, and as a delta nobody
     * could read it in full; a checkpoint can still be restored with the witness's attestation. Empty when the chain is
     * empty or cannot be listed (then a checkpoint is written). One listing per point; each point version is read once by
     * this catalog.
     */
    private Optional<PointRef> head(String repo) {
        try {
            return catalog.chain(repo).stream().findFirst();
        } catch (RuntimeException e) {
            LOG.info("{}: the chain cannot be listed ({}); writing a checkpoint", repo, e.toString());
            return Optional.empty();
        }
    }

    /** The previous point in full: remembered, or read back through the bucket's consistent chain; empty if neither. */
    private Optional<Written> base(String repo, RestorePoint.PreviousPoint previous) {
        Written w = last.get(repo);
        if (w != null && w.transaction == previous.transaction() && w.sha256.equals(previous.sha256())) {
            return Optional.of(w);
        }
        try {
            Optional<PointRef> ref = catalog.chain(repo).stream().filter(p -> p.transaction() == previous.transaction()
                    && previous.sha256().equals(p.sha256())).findFirst();
            if (ref.isEmpty()) {
                return Optional.empty();
            }
            List<PointRef> deps = catalog.dependencies(ref.get());
            if (deps.isEmpty()) {
                return Optional.empty();
            }
            RestorePoint full = catalog.read(ref.get());
            Written read = new Written(previous.transaction(), previous.sha256(), full, deps.stream().map(PointRef::key).toList());
            last.put(repo, read); // the same point as a write of this process would have left: read once
            return Optional.of(read);
        } catch (RuntimeException e) {
            LOG.info("{}: previous point {} cannot be read back from the chain ({}); writing a checkpoint", repo,
                    previous.transaction(), e.toString());
            return Optional.empty();
        }
    }
}
