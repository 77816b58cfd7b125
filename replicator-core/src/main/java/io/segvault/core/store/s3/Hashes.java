package io.segvault.core.store.s3;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** Digest helpers for request checksums and the full-object SHA-256. */
final class Hashes {

    private Hashes() {
    }

    static MessageDigest sha256() {
        return digest("SHA-256");
    }

    static String sha256Hex(byte[] data, int length) {
        MessageDigest d = sha256();
        d.update(data, 0, length);
        return hex(d.digest());
    }

    /** Opens a stream and returns the SHA-256 of everything it yields; {@code what} names it in errors. */
    static String sha256Hex(java.util.function.Supplier<java.io.InputStream> open, String what) {
        MessageDigest d = sha256();
        byte[] buf = new byte[256 * 1024];
        try (java.io.InputStream in = open.get()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        } catch (java.io.IOException e) {
            throw new io.segvault.core.store.StoreUnavailableException(what, "reading " + what + " back failed: " + e.getMessage(), e);
        }
        return hex(d.digest());
    }

    static String md5Base64(byte[] data, int length) {
        MessageDigest d = digest("MD5");
        d.update(data, 0, length);
        return Base64.getEncoder().encodeToString(d.digest());
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }
}
