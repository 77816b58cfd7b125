package io.segvault.core.remote;

import io.segvault.core.borg.BorgRepositoryException;

/**
 * A repository on an SFTP server could not be reached: connection refused, host key unknown or changed,
 * authentication refused. The message is one line naming the host (and, for host keys, the fingerprint presented).
 */
public final class RemoteRepositoryException extends BorgRepositoryException {

    private static final long serialVersionUID = 1L;

    public RemoteRepositoryException(String message, Throwable cause) {
        super(null, message, cause);
    }
}
