package io.segvault.agent.audit;

import java.nio.file.Path;

/** An input of the audit (an authorized_keys file, the repository directory) cannot be read at all. */
public final class AuditInputException extends Exception {

    private final transient Path path;

    public AuditInputException(Path path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
        this.path = path;
    }

    /** The file or directory that could not be read. */
    public Path path() {
        return path;
    }
}
