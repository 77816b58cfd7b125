package io.segvault.core.restore;

import io.segvault.core.borg.SegmentReader;
import io.segvault.core.borg.SegmentScan;
import io.segvault.core.manifest.RestorePoint;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a restore checks before it starts (the target) and before it moves the result into place (completeness). */
final class RestoreChecks {

    private RestoreChecks() {
    }

    /** The target must be a new or empty directory whose parent exists. */
    static void checkTarget(Path target) {
        if (Files.exists(target)) {
            if (!Files.isDirectory(target)) {
                throw new RestoreException("target " + target + " exists and is not a directory; restore into a new or empty "
                        + "directory", null);
            }
            try (DirectoryStream<Path> d = Files.newDirectoryStream(target)) {
                if (d.iterator().hasNext()) {
                    throw new RestoreException("target " + target + " is not empty; restore into a new or empty directory", null);
                }
            } catch (IOException e) {
                throw new RestoreException("cannot read target " + target + ": " + e, e);
            }
        }
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new RestoreException("the parent directory of target " + target + " does not exist", null);
        }
    }

    /** A restored repository borg accepts: config present, segment T present and ending with a valid COMMIT. */
    static void checkComplete(RestorePoint point, Path repo) {
        if (point.control().stream().noneMatch(c -> c.name().equals("config"))) {
            throw new RestoreException("restore point " + point.transaction() + " of " + point.repo()
                    + " names no config file; borg cannot open the repository without it", null);
        }
        int perDir = point.segmentsPerDir() > 0 ? point.segmentsPerDir() : 1000;
        RestorePoint.SegmentEntry last = point.segments().stream().filter(s -> s.n() == point.transaction()).findFirst()
                .orElseThrow(() -> new RestoreException("restore point " + point.transaction() + " of " + point.repo()
                        + " names no segment " + point.transaction() + " (the COMMIT segment); borg would silently roll back "
                        + "to an older transaction", null));
        Path commit = repo.resolve("data").resolve(Long.toString(last.n() / perDir)).resolve(Long.toString(last.n()));
        SegmentScan scan = SegmentReader.scan(commit);
        if (!scan.valid() || !scan.endsWithCommit()) {
            throw new RestoreException("segment " + last.n() + " of restore point " + point.transaction() + " does not end with a "
                    + "valid COMMIT (" + (scan.error() == null ? "no commit" : scan.error()) + "); the point is not restorable", null);
        }
    }
}
