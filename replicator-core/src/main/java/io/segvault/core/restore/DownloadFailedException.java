package io.segvault.core.restore;

/**
 * A download that failed on the store's side (retries used up, the server unreachable or refusing): running the
 * restore again may succeed, so the files already verified are kept for it. Integrity failures (wrong size or
 * SHA-256, a missing version) and local ones (disk full) are plain {@link RestoreException}s.
 */
final class DownloadFailedException extends RestoreException {

    private static final long serialVersionUID = 1L;

    DownloadFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
