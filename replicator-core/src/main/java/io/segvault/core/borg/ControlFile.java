package io.segvault.core.borg;

import java.nio.file.Path;

/**
 * A copy of one of the repository's small control files, taken while the snapshot's transaction was current.
 *
 * @param name   file name in the repository root: {@code config}, {@code index.T}, {@code hints.T},
 *               {@code integrity.T} or {@code nonce}
 * @param copy   where the copy is (inside the scratch directory given to {@link BorgRepository#snapshot(Path)})
 * @param size   bytes copied
 * @param sha256 lower-case hex SHA-256 of the copied bytes
 */
public record ControlFile(String name, Path copy, long size, String sha256) {
}
