package io.segvault.core.restore;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.layout.InvalidKeyException;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.ObjectVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lists and reads the restore points of a repository straight from the bucket (no ledger needed: works
 * on a fresh host with read-only credentials). Each point is read at the first version written at its
 * key, so versions added later with stolen credentials are never used.
 */
public final class PointCatalog {

    private final ObjectStore store;
    private final BucketLayout layout;

    public PointCatalog(ObjectStore store, BucketLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    public BucketLayout layout() {
        return layout;
    }

    public ObjectStore store() {
        return store;
    }

    /** Every point of {@code repo}, newest (highest T) first. */
    public List<PointRef> list(String repo) {
        Map<String, List<ObjectVersion>> byKey = new LinkedHashMap<>();
        for (ObjectVersion v : store.listVersions(layout.pointsPrefix(repo))) {
            if (!v.deleteMarker()) {
                byKey.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v);
            }
        }
        List<PointRef> out = new ArrayList<>();
        for (Map.Entry<String, List<ObjectVersion>> e : byKey.entrySet()) {
            BucketLayout.Key k;
            try {
                k = layout.parse(e.getKey());
            } catch (InvalidKeyException ex) {
                continue;
            }
            if (k instanceof BucketLayout.PointKey pk) {
                ObjectVersion first = e.getValue().stream().min(Comparator.comparing(ObjectVersion::lastModified)).orElseThrow();
                out.add(new PointRef(repo, pk.transaction(), e.getKey(), first.versionId(), first.lastModified(),
                        e.getValue().size() - 1));
            }
        }
        out.sort(Comparator.comparingLong(PointRef::transaction).reversed());
        return out;
    }

    /** Picks a point: {@code latest}, a transaction number, or (with {@code before}) the newest written before a time. */
    public PointRef select(String repo, String point, Instant before, Instant now) {
        List<PointRef> all = list(repo);
        if (all.isEmpty()) {
            throw new RestoreException("no restore points for repository '" + repo + "' under " + layout.pointsPrefix(repo)
                    + " in bucket " + store.bucket() + " (wrong --repo, --prefix or bucket?)", null);
        }
        if (before != null) {
            if (before.isAfter(now)) {
                throw new RestoreException("--before " + before + " is in the future; use latest instead", null);
            }
            return all.stream().filter(p -> p.written().isBefore(before)).findFirst()
                    .orElseThrow(() -> new RestoreException("no restore point of '" + repo + "' was written before " + before
                            + "; the oldest is transaction " + all.get(all.size() - 1).transaction() + " written "
                            + all.get(all.size() - 1).written(), null));
        }
        if (point == null || point.equals("latest")) {
            return all.get(0);
        }
        long t = parseTransaction(point);
        return all.stream().filter(p -> p.transaction() == t).findFirst()
                .orElseThrow(() -> new RestoreException("repository '" + repo + "' has no restore point for transaction " + t
                        + " (newest: " + all.get(0).transaction() + "; see `segvault points`)", null));
    }

    private static long parseTransaction(String point) {
        try {
            long t = Long.parseLong(point);
            if (t < 0) {
                throw new NumberFormatException();
            }
            return t;
        } catch (NumberFormatException e) {
            throw new RestoreException("--point must be 'latest' or a transaction number, not '" + point + "'", e);
        }
    }

    /** Downloads and decodes a point (keys checked against the layout). */
    public RestorePoint read(PointRef ref) {
        return ManifestCodec.decodePoint(bytes(ref.key(), ref.versionId()), ref.key(), ref.repo(), layout);
    }

    /** The exact bytes of one object version (for small objects: manifests, nonce). */
    public byte[] bytes(String key, String versionId) {
        try (InputStream in = store.get(key, versionId, 0, -1)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + key + " version " + versionId, e);
        }
    }

    /** The point immediately before {@code ref}, if any. */
    public Optional<PointRef> previous(PointRef ref) {
        return list(ref.repo()).stream().filter(p -> p.transaction() < ref.transaction()).findFirst();
    }
}
