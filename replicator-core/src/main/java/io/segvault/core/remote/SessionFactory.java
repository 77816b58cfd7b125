package io.segvault.core.remote;

import java.io.IOException;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.fs.SftpFileSystemClientSessionInitializer;
import org.apache.sshd.sftp.client.fs.SftpFileSystemInitializationContext;
import org.apache.sshd.sftp.client.fs.SftpFileSystemProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the SSH sessions of the SFTP file systems: the first one, and a new one whenever the previous dropped.
 * Connecting is retried with exponential backoff (1, 2, 4, 8 s) while the server does not answer; a refused host key
 * or a refused key is final at once and reported in one line naming the host.
 */
final class SessionFactory implements SftpFileSystemClientSessionInitializer {

    private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);
    static final int CONNECT_ATTEMPTS = 5;

    /** A refusal that retrying cannot change (host key, authentication); its message is the one the user sees. */
    static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SshSettings settings;
    private final StrictHostKeys hostKeys;

    SessionFactory(SshSettings settings, StrictHostKeys hostKeys) {
        this.settings = settings;
        this.hostKeys = hostKeys;
    }

    @Override
    public ClientSession createClientSession(SftpFileSystemProvider provider, SftpFileSystemInitializationContext context)
            throws IOException {
        String user = context.getCredentials().getUsername();
        String target = "sftp://" + user + "@" + context.getHost() + ":" + context.getPort();
        IOException last = null;
        for (int attempt = 1; attempt <= CONNECT_ATTEMPTS; attempt++) {
            try {
                ConnectFuture connect = provider.getClientInstance().connect(user, context.getHost(), context.getPort());
                return connect.verify(settings.connectTimeout()).getSession();
            } catch (IOException e) {
                last = e;
                if (attempt < CONNECT_ATTEMPTS) {
                    long pause = 1000L << (attempt - 1);
                    LOG.warn("{}: cannot connect ({}); attempt {} of {} in {} s", target,
                            SftpRepositories.rootMessage(e), attempt + 1, CONNECT_ATTEMPTS, pause / 1000);
                    sleep(pause);
                }
            }
        }
        throw new IOException(target + ": cannot connect after " + CONNECT_ATTEMPTS + " attempts: "
                + SftpRepositories.rootMessage(last), last);
    }

    @Override
    public void authenticateClientSession(SftpFileSystemProvider provider, SftpFileSystemInitializationContext context,
                                          ClientSession session) throws IOException {
        String target = "sftp://" + context.getCredentials().getUsername() + "@" + context.getHost() + ":"
                + context.getPort();
        try {
            session.auth().verify(settings.connectTimeout());
        } catch (IOException e) {
            String refusal = hostKeys.refusal(session);
            if (refusal != null) {
                throw new RefusedException(target + ": " + refusal, e);
            }
            if (session.isAuthenticated() || !session.isOpen() && session.getServerKey() == null) {
                throw e;
            }
            throw new RefusedException(target + ": the server refused key " + settings.keyFile() + " for user "
                    + context.getCredentials().getUsername() + " (check ssh.keyFile and the account's authorized_keys): "
                    + SftpRepositories.rootMessage(e), e);
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to reconnect", e);
        }
    }
}
