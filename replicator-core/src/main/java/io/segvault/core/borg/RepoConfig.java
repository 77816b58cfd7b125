package io.segvault.core.borg;

/**
 * The {@code [repository]} section of a Borg repository's {@code config} file (the key is never kept).
 *
 * @param id             repository id, 64 hex characters
 * @param version        repository format: 1 for borg 1.x, 2 for borg 2
 * @param segmentsPerDir segment files per {@code data/<d>} directory
 * @param maxSegmentSize soft size limit of a segment in bytes (borg's {@code K/M/G} suffixes are powers of 1000)
 * @param appendOnly     whether the repository is in append-only mode
 */
public record RepoConfig(String id, int version, int segmentsPerDir, long maxSegmentSize, boolean appendOnly) {

    /** Directory number ({@code data/<d>}) of segment {@code number}. */
    public long directoryOf(long number) {
        return number / segmentsPerDir;
    }
}
