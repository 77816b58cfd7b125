package io.segvault.core.witness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import io.segvault.core.manifest.ManifestCodec;

/**
 * The witness's Ed25519 key, with the JDK's own provider: PEM files ({@code PRIVATE KEY}: PKCS#8, {@code PUBLIC KEY}:
 * X.509 SubjectPublicKeyInfo, as {@code openssl pkey} writes them). The key id is the first 16 hex digits of the SHA-256
 * of the public key's encoding; it names the key in attestations and messages, it never replaces the signature check.
 */
public final class WitnessKey {

    static final String ALGORITHM = "Ed25519";
    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private WitnessKey() {
    }

    /** A new key pair. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519 (Java 15+ has it)", e);
        }
    }

    /** The id of a public key: 16 hex digits of the SHA-256 of its encoding. */
    public static String id(PublicKey key) {
        return ManifestCodec.sha256(key.getEncoded()).substring(0, 16);
    }

    /** Writes both files; refuses to overwrite either (a lost key is rotated, never replaced by accident). */
    public static void write(KeyPair pair, Path privateFile, Path publicFile) {
        for (Path p : new Path[] {privateFile, publicFile}) {
            if (Files.exists(p)) {
                throw new WitnessException(p + " already exists; not overwritten (rotate keys into new files)");
            }
        }
        writePem(privateFile, PRIVATE, pair.getPrivate().getEncoded(), true);
        writePem(publicFile, PUBLIC, pair.getPublic().getEncoded(), false);
    }

    private static void writePem(Path file, String type, byte[] der, boolean secret) {
        String pem = "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------"
                    : "rw-r--r--")));
            Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new WitnessException(file + " already exists; not overwritten", e);
        } catch (IOException e) {
            throw new WitnessException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a {@code PRIVATE KEY} PEM file holding an Ed25519 key. */
    public static PrivateKey readPrivate(Path file) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(readPem(file, PRIVATE)));
        } catch (GeneralSecurityException e) {
            throw new WitnessException(file + ": not an Ed25519 private key (" + e.getMessage() + ")", e);
        }
    }

    /** Reads a {@code PUBLIC KEY} PEM file holding an Ed25519 key (the trust anchor of restore and gc). */
    public static PublicKey readPublic(Path file) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(readPem(file, PUBLIC)));
        } catch (GeneralSecurityException e) {
            throw new WitnessException(file + ": not an Ed25519 public key (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] readPem(Path file, String type) {
        String text;
        try {
            if (Files.size(file) > 16 * 1024) {
                throw new WitnessException(file + ": too large for a key file (" + Files.size(file) + " bytes)");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new WitnessException("key file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new WitnessException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new WitnessException(file + ": no '" + begin + "' block (expected a PEM file written by `segvault witness-keygen` "
                    + "or `openssl genpkey -algorithm ed25519`)");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new WitnessException(file + ": the PEM block is not valid base64", ex);
        }
    }
}
