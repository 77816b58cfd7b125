package io.segvault.core.ledger;

import java.time.Instant;

/**
 * A restore point that is offsite.
 *
 * @param repo        repository name
 * @param transaction committed transaction T
 * @param key         full key of points/T.json
 * @param sha256      SHA-256 of the manifest bytes (what the next point chains to)
 * @param versionId   version of the manifest object
 * @param createdAt   when it was written
 * @param segments    number of segments it names
 * @param bytes       total bytes it names
 */
public record PointRecord(String repo, long transaction, String key, String sha256, String versionId, Instant createdAt,
                          int segments, long bytes) {
}
