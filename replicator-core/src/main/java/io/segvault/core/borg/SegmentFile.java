package io.segvault.core.borg;

import java.nio.file.Path;

/**
 * One segment file {@code data/<d>/<number>} as listed (not read).
 *
 * @param number      segment number (the file name)
 * @param path        absolute path of the file inside the repository
 * @param size        bytes when listed
 * @param fingerprint size, modification time and inode when listed
 */
public record SegmentFile(long number, Path path, long size, Fingerprint fingerprint) {
}
