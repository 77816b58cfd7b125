package io.segvault.core.store;

/** The credential may not do this (HTTP 403). Fatal: never treated as missing. */
public class StoreAccessDeniedException extends ObjectStoreException {

    private static final long serialVersionUID = 1L;

    public StoreAccessDeniedException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
