package io.segvault.core.borg;

import java.nio.file.Path;

/**
 * A Borg repository (or one of its files) could not be read as expected. The message names the file and what is
 * wrong; {@link #path()} is the file or directory concerned.
 */
public class BorgRepositoryException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient Path path;

    public BorgRepositoryException(Path path, String message) {
        this(path, message, null);
    }

    public BorgRepositoryException(Path path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The repository directory or file the failure concerns. */
    public Path path() {
        return path;
    }
}
