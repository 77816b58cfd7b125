package io.segvault.core.borg;

/**
 * Result of {@link SegmentReader#hash(java.nio.file.Path)}.
 *
 * @param size   bytes read
 * @param sha256 lower-case hex SHA-256 of those bytes
 */
public record HashedFile(long size, String sha256) {
}
