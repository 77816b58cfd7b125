package io.segvault.core.manifest;

import io.segvault.core.layout.BucketLayout;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.HexFormat;
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
     * One segment of a point: its number, its key relative to the repository prefix ({@code segments/<n>/<sha256>}),
     * size, SHA-256 and the object version the point pins. Kept compact, as points list every segment of a repository
     * (issue 20): the SHA-256 as 32 bytes and the key only when it is not the one derived from n and the SHA-256.
     * Equal when all five values are equal.
     */
    @JsonPropertyOrder({"n", "key", "size", "sha256", "versionId"})
    public static final class SegmentEntry {
        private static final HexFormat HEX = HexFormat.of();

        private final long n;
        private final long size;
        /** The SHA-256 as four big-endian longs, unless {@link #shaText} holds one that is not 64 lower-case hex digits. */
        private final long sha0;
        private final long sha1;
        private final long sha2;
        private final long sha3;
        private final String shaText;
        /** Whether the SHA-256 is held in the four longs. */
        private final boolean hex;
        private final String versionId;
        /** The key when it is not {@code segments/<n>/<sha256>}; else null. */
        private final String key;

        /**
         * @param n         segment number
         * @param key       key relative to the repository prefix ({@code segments/<n>/<sha256>})
         * @param size      bytes
         * @param sha256    SHA-256 of the bytes
         * @param versionId the object version the point pins
         */
        public SegmentEntry(long n, String key, long size, String sha256, String versionId) {
            this(n, size, sha256, versionId, key != null && sha256 != null && key.equals(ManifestCodec.segmentKey(n, sha256)) ? null
                    : Objects.requireNonNull(key, () -> "key of segment entry " + n));
        }

        /** An entry whose key is {@code segments/<n>/<sha256>} (format 3 leaves it out), without spelling that key. */
        public static SegmentEntry ofDerivedKey(long n, long size, String sha256, String versionId) {
            return new SegmentEntry(n, size, Objects.requireNonNull(sha256, () -> "sha256 of segment entry " + n), versionId, null);
        }

        private SegmentEntry(long n, long size, String sha256, String versionId, String key) {
            this.n = n;
            this.size = size;
            this.versionId = versionId;
            boolean hex = BucketLayout.isSha256(sha256);
            this.sha0 = hex ? Long.parseUnsignedLong(sha256, 0, 16, 16) : 0;
            this.sha1 = hex ? Long.parseUnsignedLong(sha256, 16, 32, 16) : 0;
            this.sha2 = hex ? Long.parseUnsignedLong(sha256, 32, 48, 16) : 0;
            this.sha3 = hex ? Long.parseUnsignedLong(sha256, 48, 64, 16) : 0;
            this.shaText = hex ? null : sha256;
            this.hex = hex;
            this.key = key;
        }

        @JsonProperty("n")
        public long n() {
            return n;
        }

        @JsonProperty("key")
        public String key() {
            return key != null ? key : ManifestCodec.segmentKey(n, sha256());
        }

        @JsonProperty("size")
        public long size() {
            return size;
        }

        @JsonProperty("sha256")
        public String sha256() {
            return !hex ? shaText
                    : HEX.toHexDigits(sha0) + HEX.toHexDigits(sha1) + HEX.toHexDigits(sha2) + HEX.toHexDigits(sha3);
        }

        @JsonProperty("versionId")
        public String versionId() {
            return versionId;
        }

        /** Whether the SHA-256 is {@code hex}, compared without spelling this entry's. */
        public boolean sameSha256(String hex) {
            if (!this.hex || !BucketLayout.isSha256(hex)) {
                return !this.hex && Objects.equals(shaText, hex);
            }
            return Long.parseUnsignedLong(hex, 0, 16, 16) == sha0 && Long.parseUnsignedLong(hex, 16, 32, 16) == sha1
                    && Long.parseUnsignedLong(hex, 32, 48, 16) == sha2 && Long.parseUnsignedLong(hex, 48, 64, 16) == sha3;
        }

        /** Whether the key is the one derived from n and the SHA-256 (format 3 leaves it out). */
        public boolean derivedKey() {
            return key == null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SegmentEntry e && n == e.n && size == e.size && sha0 == e.sha0 && sha1 == e.sha1
                    && sha2 == e.sha2 && sha3 == e.sha3 && hex == e.hex && Objects.equals(shaText, e.shaText)
                    && Objects.equals(versionId, e.versionId) && Objects.equals(key, e.key);
        }

        @Override
        public int hashCode() {
            return Objects.hash(n, size, sha0, sha1, sha2, sha3, shaText, versionId, key);
        }

        @Override
        public String toString() {
            return "SegmentEntry[n=" + n + ", key=" + key() + ", size=" + size + ", sha256=" + sha256() + ", versionId="
                    + versionId + "]";
        }
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
