package io.segvault.core.store;

/** The bucket is missing, or lacks versioning or Object Lock. */
public class BucketMisconfiguredException extends ObjectStoreException {

    private static final long serialVersionUID = 1L;

    public BucketMisconfiguredException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
