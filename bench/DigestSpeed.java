import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * How fast this JVM hashes a file on one thread, with the digests segvault uses per byte it uploads
 * (SHA-256: tamper detection, the object's key, SigV4 payload signing over plain HTTP; MD5: Content-MD5).
 * Reads the file into memory first, in 16 MiB buffers like the uploader's parts, then times each digest over
 * all of it after one untimed warm-up pass. Prints one line per digest: {@code <name> <seconds>}.
 *
 * <p>Run with the source launcher, no build: {@code java bench/DigestSpeed.java FILE}.
 */
public final class DigestSpeed {

    private static final int BUFFER = 16 << 20;

    private DigestSpeed() {
    }

    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        if (args.length != 1) {
            System.err.println("usage: java DigestSpeed.java FILE");
            System.exit(2);
        }
        byte[][] parts = read(Path.of(args[0]));
        for (String algorithm : new String[] {"SHA-256", "MD5"}) {
            hash(algorithm, parts);
            long t0 = System.nanoTime();
            hash(algorithm, parts);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s %.4f%n", algorithm.replace("-", "").toLowerCase(java.util.Locale.ROOT), seconds);
        }
    }

    private static byte[][] read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            int n = (int) ((size + BUFFER - 1) / BUFFER);
            byte[][] parts = new byte[n][];
            for (int i = 0; i < n; i++) {
                int len = (int) Math.min(BUFFER, size - (long) i * BUFFER);
                ByteBuffer buf = ByteBuffer.allocate(len);
                while (buf.hasRemaining() && ch.read(buf, (long) i * BUFFER + buf.position()) >= 0) {
                    // keep reading until the part is full
                }
                parts[i] = buf.array();
            }
            return parts;
        }
    }

    private static void hash(String algorithm, byte[][] parts) throws NoSuchAlgorithmException {
        MessageDigest d = MessageDigest.getInstance(algorithm);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        d.digest();
    }
}
