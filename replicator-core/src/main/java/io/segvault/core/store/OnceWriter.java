package io.segvault.core.store;

import java.time.Instant;

/**
 * The writing role: put-once, locked, verified writes (see {@link ObjectStore} for the contract) and cleaning up
 * the writer's own abandoned multipart uploads. Never replaces or deletes a version.
 */
public interface OnceWriter {

    /** The bucket name (for messages). */
    String bucket();

    /**
     * Writes {@code request} once, locked; see the {@link ObjectStore} contract. With {@link PutRequest#listedAbsent()}
     * the implementation may skip looking for an existing version before its first write attempt.
     */
    StoredObject putOnce(PutRequest request);

    /** Aborts multipart uploads under {@code prefix} started before {@code initiatedBefore}; returns how many. */
    int abortStaleUploads(String prefix, Instant initiatedBefore);
}
