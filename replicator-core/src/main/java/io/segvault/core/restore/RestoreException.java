package io.segvault.core.restore;

/** A restore, verify or drill that cannot go on; the message names the object or path and the problem. */
public class RestoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RestoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
