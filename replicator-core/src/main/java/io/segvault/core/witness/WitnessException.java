package io.segvault.core.witness;

/** A witness problem (key files, attestations, configuration); the message names the file or object. */
public class WitnessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WitnessException(String message) {
        super(message);
    }

    public WitnessException(String message, Throwable cause) {
        super(message, cause);
    }
}
