package io.segvault.core.manifest;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A restore point: the manifest of one committed Borg transaction, written and locked after every
 * object it names was uploaded and verified. Its JSON form is documented in docs/bucket-layout.md.
 *
 * @param formatVersion   manifest format ({@value ManifestCodec#FORMAT_VERSION})
 * @param repo            repository name in the bucket
 * @param repoId          Borg repository id (64 hex) from the repository's config
 * @param transaction     committed transaction id T
 * @param createdAt       when the point was written
 * @param segmentsPerDir  the repository's segments_per_dir (where restore puts segment n)
 * @param previous        the previous point of this repository (hash chain), null for the first
 * @param segments        every segment n &lt;= T present at T, ascending
 * @param control         control files of T (config, hints.T, index.T, integrity.T, nonce)
 * @param indexOmitted    true when index.T was above the size limit and not uploaded (borg rebuilds it)
 */
public record RestorePoint(int formatVersion, String repo, String repoId, long transaction, Instant createdAt,
                           int segmentsPerDir, PreviousPoint previous, List<SegmentEntry> segments,
                           List<ControlEntry> control, boolean indexOmitted) {

    public RestorePoint {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(repoId, "repoId");
        Objects.requireNonNull(createdAt, "createdAt");
        segments = List.copyOf(segments);
        control = List.copyOf(control);
    }

    /** Link to the previous point: its transaction and the SHA-256 of its exact manifest bytes. */
    public record PreviousPoint(long transaction, String sha256) {
    }

    /**
     * @param n         segment number
     * @param key       key relative to the repository prefix ({@code segments/<n>/<sha256>})
     * @param size      bytes
     * @param sha256    SHA-256 of the bytes
     * @param versionId the object version the point pins
     */
    public record SegmentEntry(long n, String key, long size, String sha256, String versionId) {
    }

    /**
     * @param name      file name in the repository root
     * @param key       key relative to the repository prefix ({@code control/<T>/<name>})
     * @param size      bytes
     * @param sha256    SHA-256
     * @param versionId the object version the point pins
     */
    public record ControlEntry(String name, String key, long size, String sha256, String versionId) {
    }

    /** Total bytes of segments and control files. */
    public long totalBytes() {
        return segments.stream().mapToLong(SegmentEntry::size).sum() + control.stream().mapToLong(ControlEntry::size).sum();
    }
}
