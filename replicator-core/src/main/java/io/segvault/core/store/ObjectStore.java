package io.segvault.core.store;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The storage port: a versioned bucket with Object Lock, seen through the few operations segvault needs.
 * Keys are full keys (the caller adds any prefix). Every method throws an {@link ObjectStoreException}
 * subtype on failure, never a provider type.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Put-once.</b> {@link #putOnce} never replaces existing bytes: if the key's current version
 *       carries the same SHA-256 it returns that version (no new version is written); if it carries a
 *       different SHA-256 (or none) it throws {@link ObjectConflictException} naming the key.</li>
 *   <li><b>Locked and verified.</b> A version {@link #putOnce} returns has been read back: its size and
 *       SHA-256 match the request and it is locked with the requested mode until at least the requested
 *       date (the implementation sets the lock after the fact where the server ignores lock headers).</li>
 *   <li><b>Retention only grows.</b> {@link #extendRetention} never shortens a lock; asking for an
 *       earlier date than the current one leaves the version as it is.</li>
 *   <li><b>Errors are typed.</b> Missing key/version: {@link ObjectNotFoundException}; permission:
 *       {@link StoreAccessDeniedException} (fatal, never read as "missing"); throttling, 5xx and I/O:
 *       {@link StoreUnavailableException} (retryable); lost conditional write or different bytes:
 *       {@link ObjectConflictException}; bytes not as expected: {@link IntegrityException}.</li>
 * </ul>
 * Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

    /** The bucket name (for messages). */
    String bucket();

    /**
     * Writes {@code request} once, locked; see the class contract. With {@link PutRequest#listedAbsent()} the
     * implementation may skip looking for an existing version before its first write attempt.
     */
    StoredObject putOnce(PutRequest request);

    /** The key's current version, or empty when the key has no version or its current version is a delete marker. */
    Optional<StoredObject> head(String key);

    /** One specific version; throws {@link ObjectNotFoundException} when it does not exist. */
    StoredObject head(String key, String versionId);

    /**
     * Reads a version from {@code offset}, {@code length} bytes ({@code -1}: to the end). The caller closes
     * the stream.
     */
    InputStream get(String key, String versionId, long offset, long length);

    /** Every version and delete marker under {@code prefix}, in key order, newest version first per key. */
    List<ObjectVersion> listVersions(String prefix);

    /**
     * Extends the lock of one version to {@code retainUntil} (COMPLIANCE) if it is currently earlier;
     * returns the version as it is afterwards.
     */
    StoredObject extendRetention(String key, String versionId, Instant retainUntil);

    /** Reports versioning, Object Lock and default retention of the bucket. */
    BucketStatus preflight();

    /** Aborts multipart uploads under {@code prefix} started before {@code initiatedBefore}; returns how many. */
    int abortStaleUploads(String prefix, Instant initiatedBefore);

    @Override
    void close();
}
