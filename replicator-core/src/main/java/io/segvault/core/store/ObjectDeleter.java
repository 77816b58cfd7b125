package io.segvault.core.store;

/**
 * Deletes single object versions. Only {@code segvault gc} uses it, with a separate credential on the
 * trusted operator host; the agent never holds one. A locked version cannot be deleted: the server
 * refuses with access denied, which surfaces as {@link StoreAccessDeniedException}.
 */
public interface ObjectDeleter {

    /** Deletes exactly this version (not the key: no delete marker is written). */
    void deleteVersion(String key, String versionId);
}
