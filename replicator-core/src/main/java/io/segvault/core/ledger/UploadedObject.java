package io.segvault.core.ledger;

import java.time.Instant;

/**
 * An object segvault wrote and verified.
 *
 * @param repo        repository name
 * @param key         full key
 * @param size        bytes
 * @param sha256      SHA-256 of the bytes
 * @param versionId   the version segvault wrote (the one restore points pin)
 * @param retainUntil lock date last set or seen; null when unknown (rebuilt from a listing)
 */
public record UploadedObject(String repo, String key, long size, String sha256, String versionId, Instant retainUntil) {

    public UploadedObject withRetainUntil(Instant until) {
        return new UploadedObject(repo, key, size, sha256, versionId, until);
    }
}
