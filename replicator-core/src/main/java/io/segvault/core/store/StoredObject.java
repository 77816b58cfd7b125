package io.segvault.core.store;

import java.time.Instant;

/**
 * What the store reports about one object version (a HEAD).
 *
 * @param key          full key (including any prefix)
 * @param versionId    version id; never null on a versioned bucket
 * @param size         bytes
 * @param sha256       full-object SHA-256 (lower-case hex) from the object's metadata; null when the object
 *                     was not written by segvault
 * @param lockMode     Object Lock mode of this version ({@link LockMode#NONE} when unlocked)
 * @param retainUntil  lock date, null when unlocked
 * @param lastModified when the version was written
 */
public record StoredObject(String key, String versionId, long size, String sha256, LockMode lockMode,
                           Instant retainUntil, Instant lastModified) {

    /** True when this version is locked at least as {@code wanted} asks. */
    public boolean lockedAsAsked(Retention wanted) {
        return wanted.satisfiedBy(lockMode, retainUntil);
    }
}
