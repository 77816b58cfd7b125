package io.segvault.core.replicate;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.ledger.UploadedObject;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.RepoIdentity;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.ObjectVersion;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.Retention;
import io.segvault.core.store.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Claims a repository name in the bucket with repo.json and refuses to write under a name whose repo.json
 * names another Borg repository id (two servers, one name).
 */
final class IdentityGuard {

    private final ObjectStore store;
    private final Ledger ledger;
    private final BucketLayout layout;
    private final RetentionPolicy retention;
    private final Clock clock;
    private final Set<String> checked = ConcurrentHashMap.newKeySet();

    IdentityGuard(ObjectStore store, Ledger ledger, BucketLayout layout, RetentionPolicy retention, Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.layout = layout;
        this.retention = retention;
        this.clock = clock;
    }

    void ensure(String repo, String repoId) {
        if (checked.contains(repo + "/" + repoId)) {
            return;
        }
        String key = layout.repoJson(repo);
        Optional<UploadedObject> recorded = ledger.object(key);
        if (recorded.isEmpty()) {
            Optional<ObjectVersion> first = firstVersion(key);
            if (first.isPresent()) {
                byte[] json = bytes(key, first.get().versionId());
                check(repo, repoId, ManifestCodec.decodeIdentity(json, key), key);
                ledger.recordObject(new UploadedObject(repo, key, json.length, ManifestCodec.sha256(json), first.get().versionId(),
                        null));
            } else {
                claim(repo, repoId, key);
            }
        }
        checked.add(repo + "/" + repoId);
    }

    private void claim(String repo, String repoId, String key) {
        byte[] json = ManifestCodec.encode(new RepoIdentity(BucketLayout.FORMAT_VERSION, repo, repoId, clock.instant()));
        String sha = ManifestCodec.sha256(json);
        StoredObject stored;
        try {
            stored = store.putOnce(new PutRequest(key, ObjectSource.ofBytes(json), sha,
                    Retention.compliance(retention.retainUntil(clock))));
        } catch (io.segvault.core.store.ObjectConflictException e) {
            ensureAfterRace(repo, repoId, key);
            return;
        }
        ledger.recordObject(new UploadedObject(repo, key, stored.size(), sha, stored.versionId(), stored.retainUntil()));
    }

    private void ensureAfterRace(String repo, String repoId, String key) {
        ObjectVersion first = firstVersion(key).orElseThrow(() -> new ReplicationException(repo, key
                + " changed while claiming it", false, null));
        check(repo, repoId, ManifestCodec.decodeIdentity(bytes(key, first.versionId()), key), key);
    }

    /**
     * The first version ever written at {@code key}: keys are written once, so that one is segvault's claim;
     * later versions (written with a stolen credential) do not count.
     */
    private Optional<ObjectVersion> firstVersion(String key) {
        return store.listVersions(key).stream().filter(v -> v.key().equals(key) && !v.deleteMarker())
                .min(java.util.Comparator.comparing(ObjectVersion::lastModified));
    }

    private static void check(String repo, String repoId, RepoIdentity id, String key) {
        if (!repoId.equals(id.repoId())) {
            throw new ReplicationException(repo, key + " names Borg repository " + id.repoId() + " but this repository is "
                    + repoId + ": another repository already replicates under the name '" + repo + "'; give this one another "
                    + "name in the config", true, null);
        }
    }

    private byte[] bytes(String key, String versionId) {
        try (InputStream in = store.get(key, versionId, 0, -1)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + key, e);
        }
    }
}
