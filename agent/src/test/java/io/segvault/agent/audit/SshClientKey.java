package io.segvault.agent.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/**
 * A test SSH key: generated with MINA SSHD, the private half written in OpenSSH format with mode 0600 so that
 * {@code ssh -i} accepts it.
 *
 * @param privateKey  the private key file, or null for a key that only exists in memory
 * @param keyPair     the key pair
 * @param fingerprint {@code SHA256:...}, computed from the public key blob independently of MINA
 */
public record SshClientKey(Path privateKey, KeyPair keyPair, String fingerprint) {

    /** An ed25519 key whose private half is written to {@code dir/name} (and {@code name.pub}). */
    public static SshClientKey generate(Path dir, String name) {
        try {
            KeyPair pair = keyPair(KeyPairType.ED25519);
            Path file = dir.resolve(name);
            Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(file)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, name, null, out);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(dir.resolve(name + ".pub"), publicKeyText(pair.getPublic()) + " " + name + "\n");
            return new SshClientKey(file, pair, fingerprint(publicKeyText(pair.getPublic())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write key " + name, e);
        }
    }

    /** A key that exists only in memory (for authorized_keys corpora). */
    public static SshClientKey inMemory(KeyPairType type) {
        KeyPair pair = keyPair(type);
        return new SshClientKey(null, pair, fingerprint(publicKeyText(pair.getPublic())));
    }

    /** The key types the tests generate, with MINA's type name and size. */
    public enum KeyPairType {
        ED25519("ssh-ed25519", 256), RSA("ssh-rsa", 2048), ECDSA("ecdsa-sha2-nistp256", 256);

        private final String sshName;
        private final int bits;

        KeyPairType(String sshName, int bits) {
            this.sshName = sshName;
            this.bits = bits;
        }
    }

    static KeyPair keyPair(KeyPairType type) {
        try {
            return KeyUtils.generateKeyPair(type.sshName, type.bits);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + type + " key", e);
        }
    }

    /** {@code TYPE BASE64} of a public key, as in an authorized_keys line. */
    public static String publicKeyText(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }

    /** {@code TYPE BASE64} of this key. */
    public String publicKeyText() {
        return publicKeyText(keyPair.getPublic());
    }

    /** One authorized_keys line: options (may be empty), the key, the comment (may be empty). */
    public String authorizedKeysLine(String options, String comment) {
        return (options.isEmpty() ? "" : options + " ") + publicKeyText() + (comment.isEmpty() ? "" : " " + comment);
    }

    /** SHA-256 over the decoded key blob, base64 without padding: what {@code ssh-keygen -l} prints. */
    public static String fingerprint(String publicKeyText) {
        try {
            byte[] blob = Base64.getDecoder().decode(publicKeyText.split(" ")[1]);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
