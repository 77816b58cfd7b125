package io.segvault.core.layout;

/** A key or name that is not part of the bucket format (never turned into a path). */
public class InvalidKeyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;
    private final String key;

    public InvalidKeyException(String key, String problem) {
        super("object key '" + key + "' " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
