package io.segvault.core.borg;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A consistent view of one committed Borg transaction, made by {@link BorgRepository#snapshot(java.nio.file.Path)}.
 *
 * <p>Together, {@code segments} (read from the repository) and {@code controls} (copies) are a complete Borg
 * repository at transaction {@code transaction}: placing each segment at {@code data/<n / segmentsPerDir>/<n>} and
 * each control file in the root gives a repository that {@code borg check} accepts. The segment files themselves
 * are not copied: they stay byte-stable while they exist, but {@code borg compact} may delete them later, so a
 * reader must be prepared for a listed segment to be gone.
 *
 * @param transaction committed transaction id T (the number of {@code index.T})
 * @param config      repository config as parsed while T was current
 * @param segments    every segment file with number {@code <= transaction} present while T was current, ascending
 * @param controls    copies of {@code config}, {@code index.T}, {@code hints.T}, {@code integrity.T} and
 *                    {@code nonce} (those that exist), made while T was current
 * @param scratch     the directory the copies are in (the caller's; it may also spool what it derives from the snapshot)
 */
public record Snapshot(long transaction, RepoConfig config, List<SegmentFile> segments, List<ControlFile> controls,
                       Path scratch) {

    public Snapshot {
        segments = SegmentList.of(segments);
        controls = List.copyOf(controls);
    }

    /** The copy of the control file called {@code name}, if the snapshot has one. */
    public Optional<ControlFile> control(String name) {
        return controls.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Total bytes of the listed segments. */
    public long segmentBytes() {
        return segments.stream().mapToLong(SegmentFile::size).sum();
    }
}
