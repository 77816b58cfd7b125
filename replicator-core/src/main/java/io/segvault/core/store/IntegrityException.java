package io.segvault.core.store;

/** Bytes read or written are not what was expected (size or checksum). */
public class IntegrityException extends ObjectStoreException {

    private static final long serialVersionUID = 1L;

    public IntegrityException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
