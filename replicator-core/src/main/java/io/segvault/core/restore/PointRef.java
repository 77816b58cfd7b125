package io.segvault.core.restore;

import java.time.Instant;

/**
 * A restore point found in the bucket.
 *
 * @param repo            repository name
 * @param transaction     committed transaction T
 * @param key             full key of points/T.json
 * @param versionId       the first version written at that key (segvault's; keys are written once)
 * @param written         when that version was written
 * @param foreignVersions later versions at the same key (written by someone else; never read)
 */
public record PointRef(String repo, long transaction, String key, String versionId, Instant written, int foreignVersions) {
}
