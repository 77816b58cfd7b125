package io.segvault.core.store;

import java.util.Objects;

/**
 * One put-once write.
 *
 * @param key       full key
 * @param source    the bytes
 * @param sha256    full-object SHA-256 of the bytes, lower-case hex (stored as metadata, checked after write)
 * @param retention the lock the new version must carry
 */
public record PutRequest(String key, ObjectSource source, String sha256, Retention retention) {
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
