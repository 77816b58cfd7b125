package io.segvault.core.manifest;

/** A restore point or repo.json that cannot be used; the message names where it came from. */
public class ManifestException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final String source;

    public ManifestException(String source, String problem, Throwable cause) {
        super(source + " " + problem, cause);
        this.source = source;
    }

    public String source() {
        return source;
    }
}
