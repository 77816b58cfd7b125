package io.segvault.core.store;

/** The key or version does not exist. */
public class ObjectNotFoundException extends ObjectStoreException {

    private static final long serialVersionUID = 1L;

    public ObjectNotFoundException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
