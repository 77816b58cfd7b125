package io.segvault.core.store;

import java.util.Objects;

/**
 * One put-once write.
 *
 * @param key       full key
 * @param source    the bytes
 * @param sha256    full-object SHA-256 of the bytes, lower-case hex (stored as metadata, checked after write)
 * @param retention the lock the new version must carry
 * @param listedAbsent the caller listed the bucket under this key's prefix moment ago, as its only writer, and the
 *                  key was not there: the store may skip its existence check before the first write attempt
 *                  (a retry of the same put must not: {@link #withoutListing()})
 */
public record PutRequest(String key, ObjectSource source, String sha256, Retention retention, boolean listedAbsent) {

    /** A put without a listing: the store checks whether the key exists first. */
    public PutRequest(String key, ObjectSource source, String sha256, Retention retention) {
        this(key, source, sha256, retention, false);
    }

    /** This request without the listing hint (for a second attempt, which may follow a write that landed). */
    public PutRequest withoutListing() {
        return listedAbsent ? new PutRequest(key, source, sha256, retention, false) : this;
    }

    public PutRequest {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(retention, "retention");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits: " + sha256);
        }
    }
}
