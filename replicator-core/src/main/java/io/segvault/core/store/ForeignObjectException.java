package io.segvault.core.store;

/**
 * The key is occupied by a version whose bytes are not the ones segvault was asked to write (read back and hashed,
 * not taken from its metadata), or that cannot be locked as asked: somebody else wrote it. The caller writes its
 * bytes elsewhere (an alternative key) and reports the occupant as a tamper event; it never uses the occupant.
 */
public final class ForeignObjectException extends ObjectConflictException {

    private static final long serialVersionUID = 1L;

    private final String versionId;

    public ForeignObjectException(String key, String versionId, String message, Throwable cause) {
        super(key, message, cause);
        this.versionId = versionId;
    }

    /** The occupying version. */
    public String versionId() {
        return versionId;
    }
}
