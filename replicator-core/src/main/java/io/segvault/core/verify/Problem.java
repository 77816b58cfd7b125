package io.segvault.core.verify;

/**
 * One thing {@code verify} found wrong.
 *
 * @param code    stable identifier, e.g. {@code MISSING_VERSION}, {@code NOT_LOCKED}, {@code LOCK_TOO_SHORT},
 *                {@code CHAIN_BROKEN}, {@code HASH_MISMATCH}, {@code SIZE_MISMATCH}, {@code FOREIGN_VERSION},
 *                {@code DELETE_MARKER}, {@code BAD_POINT}
 * @param subject the object key (or point) concerned
 * @param message what is wrong
 */
public record Problem(String code, String subject, String message) {
}
