package io.segvault.core.borg;

/**
 * Result of {@link SegmentReader#scan(java.nio.file.Path)}: what the entries of one segment file say.
 *
 * <p>Counts cover the entries before the first error. {@code endsWithCommit} follows borg 1.2's own rule for a
 * committed segment: every entry is valid, the last entry is the 9-byte COMMIT, and no PUT or DELETE follows a
 * COMMIT anywhere in the file (so a segment with an intermediate COMMIT followed by a PUT is not committed).
 *
 * @param size           file size in bytes
 * @param puts           PUT entries
 * @param deletes        DELETE entries
 * @param commits        COMMIT entries
 * @param endsWithCommit whether borg would treat this segment as committed
 * @param valid          whether the magic and every entry (size, CRC32, tag) are valid up to the end of the file
 * @param error          first problem found, or null when valid
 * @param errorOffset    byte offset of the entry (or magic) the error is about, or -1 when valid
 */
public record SegmentScan(long size, int puts, int deletes, int commits, boolean endsWithCommit, boolean valid,
                          String error, long errorOffset) {
}
