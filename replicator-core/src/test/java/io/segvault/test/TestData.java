package io.segvault.test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Deterministic pseudo-random test bytes and their SHA-256, in memory or as files of any size. */
public final class TestData {

    private static final int CHUNK = 4 * 1024 * 1024;

    private TestData() {
    }

    /** {@code size} pseudo-random bytes from {@code seed}. */
    public static byte[] bytes(long seed, int size) {
        byte[] data = new byte[size];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    /** Writes {@code size} pseudo-random bytes from {@code seed} to {@code file}; returns their SHA-256 (hex). */
    public static String writeFile(Path file, long seed, long size) {
        MessageDigest sha = sha256Digest();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[CHUNK];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += CHUNK) {
                int n = (int) Math.min(CHUNK, size - done);
                random.nextBytes(chunk);
                out.write(chunk, 0, n);
                sha.update(chunk, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write test data to " + file, e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** SHA-256 (hex) of {@code data}. */
    public static String sha256(byte[] data) {
        return HexFormat.of().formatHex(sha256Digest().digest(data));
    }

    /** SHA-256 (hex) of everything {@code in} yields; closes it. */
    public static String sha256(java.io.InputStream in) {
        MessageDigest sha = sha256Digest();
        byte[] buf = new byte[1 << 16];
        try (in) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                sha.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stream to hash it", e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
