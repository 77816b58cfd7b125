package io.segvault.core.restore;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.layout.InvalidKeyException;
import io.segvault.core.store.ObjectVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Finds the nonce values of the newest transactions of a repository (nonce values only grow). */
final class NonceFinder {

    private NonceFinder() {
    }

    /** The nonce values stored with the {@code count} highest transactions that have one (every version read). */
    static List<String> newestNonces(PointCatalog catalog, String repo, int count) {
        BucketLayout layout = catalog.layout();
        List<ObjectVersion> nonces = new ArrayList<>();
        for (ObjectVersion v : catalog.store().listVersions(layout.repoPrefix(repo) + "control/")) {
            if (v.deleteMarker() || !v.key().endsWith("/nonce") || v.size() > 64) {
                continue;
            }
            try {
                if (layout.parse(v.key()) instanceof BucketLayout.ControlKey) {
                    nonces.add(v);
                }
            } catch (InvalidKeyException e) {
                // not ours
            }
        }
        nonces.sort(Comparator.comparing(ObjectVersion::key).reversed());
        List<String> out = new ArrayList<>();
        for (ObjectVersion v : nonces.subList(0, Math.min(count, nonces.size()))) {
            out.add(new String(catalog.bytes(v.key(), v.versionId()), StandardCharsets.US_ASCII).strip());
        }
        return out;
    }
}
