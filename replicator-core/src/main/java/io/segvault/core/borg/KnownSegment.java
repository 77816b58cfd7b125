package io.segvault.core.borg;

/**
 * A sealed, committed segment as last seen: its content identity and the fingerprint it had when hashed.
 *
 * @param number      segment number
 * @param size        bytes
 * @param sha256      lower-case hex SHA-256 of the content
 * @param fingerprint size, modification time and inode when hashed; while it is unchanged the hash is trusted
 */
public record KnownSegment(long number, long size, String sha256, Fingerprint fingerprint) {
}
