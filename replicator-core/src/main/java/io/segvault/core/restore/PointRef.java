package io.segvault.core.restore;

import java.time.Instant;

/**
 * A restore point found in the bucket: one version of one point key, and what the chain check made of it.
 *
 * @param repo            repository name
 * @param transaction     committed transaction T (from the key; the point's own field agrees when consistent)
 * @param key             full key ({@code points/T-<sha256>.json}, or format 1 {@code points/T.json})
 * @param versionId       the version this reference reads
 * @param written         when the server wrote that version (S3 LastModified: set by the server, not the writer)
 * @param foreignVersions other versions at the same key that are not this point (never read for it)
 * @param sha256          SHA-256 of the version's exact bytes; null when they were not read (too large)
 * @param problem         why the point is not part of the repository's consistent chain; null when it is
 */
public record PointRef(String repo, long transaction, String key, String versionId, Instant written, int foreignVersions,
                       String sha256, String problem) {

    /** True when the point belongs to the repository's consistent chain (see {@link PointCatalog#list}). */
    public boolean consistent() {
        return problem == null;
    }

    PointRef withForeignVersions(int n) {
        return new PointRef(repo, transaction, key, versionId, written, n, sha256, problem);
    }
}
