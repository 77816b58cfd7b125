package io.segvault.core.store;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The read-only role of the bucket: what restore, verify, points, drill, the witness's checks and the ledger
 * rebuild need. A caller handed only this cannot write, lock or delete anything, which is what the restore
 * identity of the IAM design promises.
 */
public interface ObjectReader {

    /** The bucket name (for messages). */
    String bucket();

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
}
