package io.segvault.core.store;

/** The key already holds different bytes, or a conditional write lost a race. */
public class ObjectConflictException extends ObjectStoreException {

    private static final long serialVersionUID = 1L;

    public ObjectConflictException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
