package io.segvault.core.replicate;

/** The snapshot no longer matches the repository (a file vanished): take a new one. */
final class SnapshotMovedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SnapshotMovedException(String message) {
        super(message);
    }
}
