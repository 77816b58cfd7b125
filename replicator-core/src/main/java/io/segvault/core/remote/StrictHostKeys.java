package io.segvault.core.remote;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Host key check against one {@code known_hosts} file, with no fallback: a host that is not in the file, or is there
 * with another key, or whose key is revoked, is refused, and the file is never written. The reason (host, key type and
 * the fingerprint the server presented) is kept here for the error message, not as an attribute of the session: MINA
 * clears a session's attributes when it has closed it, and a refused key closes it at once, so an attribute was
 * sometimes gone before the caller read it (CI saw the refusal reported as a refused client key).
 */
final class StrictHostKeys extends KnownHostsServerKeyVerifier {

    /** Why the host key was refused, by the session that presented it (weak keys: a closed session goes away). */
    private final Map<ClientSession, String> refusals = Collections.synchronizedMap(new WeakHashMap<>());

    private final Path file;

    StrictHostKeys(Path knownHosts) {
        super((session, address, key) -> false, knownHosts);
        this.file = knownHosts;
        setModifiedServerKeyAcceptor(this::refuseModified);
    }

    @Override
    protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        refuse(session, "host key of " + host(session, remoteAddress) + " is not in " + file + ": refusing "
                + describe(serverKey) + " (check the fingerprint on the server, then add it with ssh-keyscan)");
        return false;
    }

    private boolean refuseModified(ClientSession session, SocketAddress remoteAddress, KnownHostEntry entry,
                                   PublicKey expected, PublicKey actual) {
        refuse(session, "host key of " + host(session, remoteAddress) + " CHANGED: it presented " + describe(actual)
                + ", " + file + " has " + describe(expected) + "; refusing (a man in the middle, or a reinstalled server)");
        return false;
    }

    @Override
    protected void handleRevokedKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        refuse(session, "host key of " + host(session, remoteAddress) + " is marked @revoked in " + file + ": refusing "
                + describe(serverKey));
    }

    @Override
    public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remoteAddress, KnownHostEntry entry,
                                           PublicKey expected, PublicKey actual) {
        return refuseModified(session, remoteAddress, entry, expected, actual);
    }

    private void refuse(ClientSession session, String reason) {
        refusals.put(session, reason);
    }

    /** Why this session's host key was refused, or null when it was not. */
    String refusal(ClientSession session) {
        return refusals.get(session);
    }

    private static String host(ClientSession session, SocketAddress address) {
        Object target = session.getConnectAddress();
        return String.valueOf(target != null ? target : address).replaceFirst("^/", "");
    }

    static String describe(PublicKey key) {
        return KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
    }
}
