package io.segvault.core.replicate;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.layout.InvalidKeyException;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.ledger.PointRecord;
import io.segvault.core.ledger.UploadedObject;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.ObjectVersion;
import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.PointRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the ledger of one repository from the bucket, so a lost or corrupt ledger never causes a re-upload. Only
 * what the repository's consistent chain of restore points names is recorded, at the exact versions the points name
 * (each point's bytes hashed, its structure and links checked: {@link PointCatalog}); anything else under the prefix
 * (another writer's objects, squatted keys, versions added later) is left out, so the next pass proves or re-writes
 * it instead of trusting it.
 */
public final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final ObjectStore store;
    private final Ledger ledger;
    private final BucketLayout layout;
    private final PointCatalog catalog;

    public Reconciler(ObjectStore store, Ledger ledger, BucketLayout layout) {
        this.store = store;
        this.ledger = ledger;
        this.layout = layout;
        this.catalog = new PointCatalog(store, layout);
    }

    /**
     * What a rebuild found; {@code listedKeys} are all keys the listing returned under the repository's prefix (with
     * delete markers and keys outside the format), which {@link Replicator#trustListing} can use once.
     * {@code foreignVersions} counts versions no consistent point names; {@code inconsistentPoints} the points skipped.
     */
    public record Result(String repo, int segments, int points, int foreignVersions, int unknownKeys, Set<String> listedKeys,
                         int inconsistentPoints) {
        public Result {
            listedKeys = Set.copyOf(listedKeys);
        }
    }

    public Result rebuild(String repo) {
        List<ObjectVersion> all = store.listVersions(layout.repoPrefix(repo));
        Set<String> listed = new HashSet<>();
        Map<String, Long> sizes = new HashMap<>();
        all.forEach(v -> {
            listed.add(v.key());
            sizes.put(v.key() + "@" + v.versionId(), v.size());
        });
        List<PointRef> points = catalog.list(repo);
        points.stream().filter(p -> !p.consistent()).forEach(p -> LOG.warn("{}: skipping inconsistent restore point {} "
                + "(version {}): {}", repo, p.key(), p.versionId(), p.problem()));
        ledger.forget(repo);
        Map<String, UploadedObject> named = new LinkedHashMap<>();
        List<PointRef> chain = new ArrayList<>(points.stream().filter(PointRef::consistent).toList());
        Collections.reverse(chain);
        RestorePoint newest = null;
        for (PointRef ref : chain) {
            RestorePoint p = catalog.read(ref);
            String base = layout.repoPrefix(repo);
            p.segments().forEach(s -> named.put(base + s.key(), new UploadedObject(repo, base + s.key(), s.size(), s.sha256(),
                    s.versionId(), null)));
            p.control().forEach(c -> named.put(base + c.key(), new UploadedObject(repo, base + c.key(), c.size(), c.sha256(),
                    c.versionId(), null)));
            named.put(ref.key(), new UploadedObject(repo, ref.key(),
                    sizes.getOrDefault(ref.key() + "@" + ref.versionId(), 0L), ref.sha256(), ref.versionId(), null));
            ledger.recordPoint(new PointRecord(repo, p.transaction(), ref.key(), ref.sha256(), ref.versionId(), p.createdAt(),
                    p.segments().size(), p.totalBytes()));
            newest = p;
        }
        int segments = 0;
        for (UploadedObject o : named.values()) {
            ledger.recordObject(o);
            String canonical = layout.canonical(o.key());
            if (!canonical.equals(o.key())) {
                ledger.recordAlias(repo, canonical, o.key());
            }
            segments += layout.parse(o.key()) instanceof BucketLayout.SegmentKey ? 1 : 0;
        }
        if (newest != null) {
            ledger.recordPin(repo, newest.repoId());
            restoreLiveSet(repo, newest, catalog.dependencies(chain.get(chain.size() - 1)).stream().map(PointRef::key).toList());
        }
        int unknown = 0;
        int foreign = 0;
        for (ObjectVersion v : all) {
            if (v.deleteMarker()) {
                continue;
            }
            try {
                layout.parse(v.key());
                UploadedObject o = named.get(v.key());
                foreign += o == null || !o.versionId().equals(v.versionId()) ? 1 : 0;
            } catch (InvalidKeyException e) {
                unknown++;
                LOG.warn("{}: ignoring object {} that is not part of the bucket format", repo, v.key());
            }
        }
        int inconsistent = points.size() - chain.size();
        LOG.info("{}: ledger rebuilt from the bucket: {} segments, {} restore points ({} inconsistent, skipped), {} versions "
                + "not named by a point", repo, segments, chain.size(), inconsistent, foreign);
        return new Result(repo, segments, chain.size(), foreign, unknown, listed, inconsistent);
    }

    /** The newest point's objects, the point and the points it depends on (back to its checkpoint), repo.json. */
    private void restoreLiveSet(String repo, RestorePoint p, List<String> pointKeys) {
        List<String> live = new ArrayList<>();
        p.segments().forEach(s -> live.add(layout.repoPrefix(repo) + s.key()));
        p.control().forEach(c -> live.add(layout.repoPrefix(repo) + c.key()));
        live.addAll(pointKeys);
        live.add(layout.repoJson(repo));
        ledger.replaceLive(repo, live);
    }
}
