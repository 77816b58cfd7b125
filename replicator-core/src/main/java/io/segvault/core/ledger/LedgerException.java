package io.segvault.core.ledger;

import java.nio.file.Path;

/** The ledger file cannot be used; the message names it and says how to recover. */
public class LedgerException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public LedgerException(Path file, String problem, Throwable cause) {
        super("ledger " + file + " " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
