package io.segvault.core.restore;

import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.RestorePoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the nonce values of the newest points of a repository's consistent chain (nonce values only grow). Only
 * the versions those points name are read, and each must hash to the SHA-256 its point gives: a nonce written
 * by anyone else under a control key is never used.
 */
final class NonceFinder {

    private NonceFinder() {
    }

    /** The nonce values of the {@code count} newest consistent points that have one. */
    static List<String> newestNonces(PointCatalog catalog, String repo, int count) {
        List<String> out = new ArrayList<>();
        for (PointRef ref : catalog.chain(repo)) {
            if (out.size() >= count) {
                break;
            }
            nonceOf(catalog, catalog.read(ref)).ifPresent(out::add);
        }
        return out;
    }

    /** The nonce named by {@code point}, read by version id and checked against the point's SHA-256. */
    static Optional<String> nonceOf(PointCatalog catalog, RestorePoint point) {
        for (RestorePoint.ControlEntry c : point.control()) {
            if (c.name().equals("nonce") && c.size() <= 64) {
                byte[] b = catalog.bytes(catalog.layout().repoPrefix(point.repo()) + c.key(), c.versionId(), 64);
                if (ManifestCodec.sha256(b).equals(c.sha256())) {
                    return Optional.of(new String(b, StandardCharsets.US_ASCII).strip());
                }
            }
        }
        return Optional.empty();
    }
}
