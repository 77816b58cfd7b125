package io.segvault.core.store;

import java.time.Instant;

/**
 * One entry of a version listing: an object version or a delete marker.
 *
 * @param key          full key
 * @param versionId    version id
 * @param size         bytes (0 for a delete marker)
 * @param lastModified when it was written
 * @param latest       whether it is the key's current version
 * @param deleteMarker whether it is a delete marker rather than data
 */
public record ObjectVersion(String key, String versionId, long size, Instant lastModified, boolean latest,
                            boolean deleteMarker) {
}
