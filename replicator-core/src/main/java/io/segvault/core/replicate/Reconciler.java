package io.segvault.core.replicate;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.layout.InvalidKeyException;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.ledger.PointRecord;
import io.segvault.core.ledger.UploadedObject;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.ObjectVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the ledger of one repository from a bucket listing, so a lost or corrupt ledger never causes a
 * re-upload. For every key the first version ever written is segvault's (keys are written once); later
 * versions are foreign and ignored here ({@code verify} reports them). Segment hashes come from their keys;
 * restore points are downloaded to recover the chain and the live set.
 */
public final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final ObjectStore store;
    private final Ledger ledger;
    private final BucketLayout layout;

    public Reconciler(ObjectStore store, Ledger ledger, BucketLayout layout) {
        this.store = store;
        this.ledger = ledger;
        this.layout = layout;
    }

    /**
     * What a rebuild found; {@code listedKeys} are all keys the listing returned under the repository's prefix (with
     * delete markers and keys outside the format), which {@link Replicator#trustListing} can use once.
     */
    public record Result(String repo, int segments, int points, int foreignVersions, int unknownKeys, Set<String> listedKeys) {
        public Result {
            listedKeys = Set.copyOf(listedKeys);
        }
    }

    public Result rebuild(String repo) {
        Map<String, List<ObjectVersion>> byKey = new LinkedHashMap<>();
        for (ObjectVersion v : store.listVersions(layout.repoPrefix(repo))) {
            byKey.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(v);
        }
        ledger.forget(repo);
        int segments = 0;
        int foreign = 0;
        int unknown = 0;
        List<PointRecord> points = new ArrayList<>();
        for (Map.Entry<String, List<ObjectVersion>> e : byKey.entrySet()) {
            List<ObjectVersion> data = e.getValue().stream().filter(v -> !v.deleteMarker())
                    .sorted(Comparator.comparing(ObjectVersion::lastModified)).toList();
            if (data.isEmpty()) {
                continue;
            }
            foreign += data.size() - 1;
            ObjectVersion first = data.get(0);
            BucketLayout.Key key;
            try {
                key = layout.parse(e.getKey());
            } catch (InvalidKeyException ex) {
                unknown++;
                LOG.warn("{}: ignoring object {} that is not part of the bucket format", repo, e.getKey());
                continue;
            }
            if (key instanceof BucketLayout.SegmentKey sk) {
                ledger.recordObject(new UploadedObject(repo, e.getKey(), first.size(), sk.sha256(), first.versionId(), null));
                segments++;
            } else if (key instanceof BucketLayout.PointKey) {
                points.add(readPoint(repo, e.getKey(), first));
            }
        }
        points.sort(Comparator.comparingLong(PointRecord::transaction));
        points.forEach(ledger::recordPoint);
        if (!points.isEmpty()) {
            restoreLiveSet(repo, points.get(points.size() - 1));
        }
        LOG.info("{}: ledger rebuilt from the bucket: {} segments, {} restore points, {} foreign versions", repo, segments,
                points.size(), foreign);
        return new Result(repo, segments, points.size(), foreign, unknown, byKey.keySet());
    }

    private PointRecord readPoint(String repo, String key, ObjectVersion v) {
        byte[] bytes = read(key, v.versionId());
        RestorePoint p = ManifestCodec.decodePoint(bytes, key, repo, layout);
        String sha = ManifestCodec.sha256(bytes);
        ledger.recordObject(new UploadedObject(repo, key, bytes.length, sha, v.versionId(), null));
        for (RestorePoint.ControlEntry c : p.control()) {
            ledger.recordObject(new UploadedObject(repo, layout.repoPrefix(repo) + c.key(), c.size(), c.sha256(), c.versionId(), null));
        }
        return new PointRecord(repo, p.transaction(), key, sha, v.versionId(), p.createdAt(), p.segments().size(), p.totalBytes());
    }

    private void restoreLiveSet(String repo, PointRecord newest) {
        RestorePoint p = ManifestCodec.decodePoint(read(newest.key(), newest.versionId()), newest.key(), repo, layout);
        List<String> live = new ArrayList<>();
        p.segments().forEach(s -> live.add(layout.repoPrefix(repo) + s.key()));
        p.control().forEach(c -> live.add(layout.repoPrefix(repo) + c.key()));
        live.add(newest.key());
        live.add(layout.repoJson(repo));
        ledger.replaceLive(repo, live);
    }

    private byte[] read(String key, String versionId) {
        try (InputStream in = store.get(key, versionId, 0, -1)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + key + " version " + versionId, e);
        }
    }
}
