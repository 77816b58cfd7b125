package io.segvault.core.store;

/** Throttling, a 5xx answer, a timeout or an I/O error: try again later. */
public class StoreUnavailableException extends ObjectStoreException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
