package io.segvault.core.store;

import java.time.Instant;

/** The role that keeps versions locked: it can only move a COMPLIANCE lock later, never earlier. */
public interface RetentionExtender {

    /** The bucket name (for messages). */
    String bucket();

    /**
     * Extends the lock of one version to {@code retainUntil} (COMPLIANCE) if it is currently earlier;
     * returns the version as it is afterwards.
     */
    StoredObject extendRetention(String key, String versionId, Instant retainUntil);
}
