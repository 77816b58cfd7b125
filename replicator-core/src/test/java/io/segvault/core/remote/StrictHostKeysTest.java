package io.segvault.core.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrictHostKeysTest {

    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 2222);

    @TempDir
    Path tmp;

    private static PublicKey newKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair().getPublic();
    }

    /**
     * A session as the caller sees it once MINA has closed it: its attributes are cleared, so whatever was stored on
     * it reads back as null. It was connected to 127.0.0.1:2222; everything else answers null.
     */
    private static ClientSession closedSession() {
        return (ClientSession) Proxy.newProxyInstance(ClientSession.class.getClassLoader(),
                new Class<?>[] {ClientSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "closed session";
                    case "isOpen" -> false;
                    case "getConnectAddress" -> SERVER;
                    default -> null;
                });
    }

    @Test
    void theRefusalOfAnUnknownHostOutlivesTheSessionsAttributes() throws Exception {
        PublicKey presented = newKey();
        Path knownHosts = Files.writeString(tmp.resolve("known_hosts"),
                "[127.0.0.1]:1 " + PublicKeyEntry.toString(presented) + "\n");
        StrictHostKeys verifier = new StrictHostKeys(knownHosts);
        ClientSession session = closedSession();

        boolean accepted = verifier.verifyServerKey(session, SERVER, presented);

        assertThat(accepted).isFalse();
        assertThat(verifier.refusal(session)).contains("127.0.0.1:2222", "is not in " + knownHosts,
                StrictHostKeys.describe(presented));
        assertThat(verifier.refusal(closedSession())).as("another session").isNull();
        assertThat(Files.readString(knownHosts)).as("known_hosts is never written").doesNotContain("2222");
    }

    @Test
    void theRefusalOfAChangedKeyNamesBothFingerprints() throws Exception {
        PublicKey listed = newKey();
        PublicKey presented = newKey();
        Path knownHosts = Files.writeString(tmp.resolve("known_hosts"),
                "[127.0.0.1]:2222 " + PublicKeyEntry.toString(listed) + "\n");
        StrictHostKeys verifier = new StrictHostKeys(knownHosts);
        ClientSession session = closedSession();

        assertThat(verifier.verifyServerKey(session, SERVER, presented)).isFalse();

        assertThat(verifier.refusal(session)).contains("CHANGED", StrictHostKeys.describe(presented),
                StrictHostKeys.describe(listed));
        assertThat(verifier.verifyServerKey(closedSession(), SERVER, listed))
                .as("the listed key").isTrue();
    }
}
