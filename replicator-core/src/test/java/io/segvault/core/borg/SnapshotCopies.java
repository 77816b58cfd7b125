package io.segvault.core.borg;

import io.segvault.test.BorgFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Turns a {@link Snapshot} into a separate repository directory, the way a restore lays it out. */
final class SnapshotCopies {

    private SnapshotCopies() {
    }

    /**
     * Places every segment at {@code data/<n / segmentsPerDir>/<n>} and every control file in the root of
     * {@code target}. With {@code link} the segments are hard links (same bytes, no copying; only for segments that
     * stay byte-stable, i.e. those of a snapshot), otherwise byte copies.
     */
    static Path materialize(Snapshot snapshot, Path target, boolean link) {
        try {
            for (SegmentFile segment : snapshot.segments()) {
                Path to = target.resolve("data").resolve(Long.toString(snapshot.config().directoryOf(segment.number())))
                        .resolve(Long.toString(segment.number()));
                Files.createDirectories(to.getParent());
                if (link) {
                    Files.createLink(to, segment.path());
                } else {
                    Files.copy(segment.path(), to);
                }
            }
            for (ControlFile control : snapshot.controls()) {
                Files.copy(control.copy(), target.resolve(control.name()));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code borg init -e repokey-blake2} with the given {@code max_segment_size}, then one archive {@code archive}
     * of {@code megabytes} of generated data (seed {@code seed}) written to {@code src}.
     */
    static void initWithArchive(BorgFixture borg, Path repo, String maxSegmentSize, String archive, Path src,
                                long seed, int megabytes) {
        borg.init(repo, "repokey-blake2");
        borg.config(repo, "max_segment_size", maxSegmentSize);
        BorgFixture.generateData(src, seed, 1, megabytes);
        borg.create(repo, archive, src);
    }

    /** Runs {@code borg check} and {@code borg list} on {@code copy} as a new client; returns the archive names. */
    static List<String> checkAsNewClient(Path copy, Path clientDir) {
        BorgFixture fresh = new BorgFixture(clientDir);
        BorgFixture.Result check = fresh.check(copy);
        if (!check.ok()) {
            throw new AssertionError("borg check of snapshot copy " + copy + " failed (" + check.exitCode() + "):\n"
                    + check.output());
        }
        return fresh.list(copy);
    }
}
