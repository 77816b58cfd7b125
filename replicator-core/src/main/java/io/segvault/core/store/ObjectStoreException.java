package io.segvault.core.store;

/** Base of all store failures; carries the bucket key it concerns (null for bucket-level failures). */
public class ObjectStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final String key;

    public ObjectStoreException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The key the failure concerns, or null. */
    public String key() {
        return key;
    }

    /** Whether trying the same operation again later may succeed. */
    public boolean retryable() {
        return false;
    }
}
