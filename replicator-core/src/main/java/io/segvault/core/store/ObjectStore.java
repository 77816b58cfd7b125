package io.segvault.core.store;


/**
 * The whole storage port: a versioned bucket with Object Lock, seen through the few operations segvault needs.
 * Callers are handed the role they need ({@link ObjectReader}, {@link OnceWriter}, {@link RetentionExtender},
 * {@link BucketInspector}, {@link ObjectDeleter}); only the wiring and the adapters see the whole.
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
public interface ObjectStore extends ObjectReader, OnceWriter, RetentionExtender, BucketInspector, AutoCloseable {

    @Override
    String bucket();

    @Override
    void close();
}
