package io.segvault.core.replicate;

import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.StoredPoint;
import io.segvault.core.store.ObjectSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The exact bytes of a point about to be written, hashed while they were encoded: kept in memory up to
 * {@value #IN_MEMORY} bytes, spooled to a file in the pass's scratch directory above that (a checkpoint of 200,000
 * segments is some 30 MB of JSON, which the launcher's heap cannot hold a few times over; issue 20). The SHA-256 is of
 * the bytes as encoded here, never re-read from the file. Close it to delete the file.
 */
public final class PointBody implements AutoCloseable {

    static final int IN_MEMORY = 1 << 20;

    private final byte[] bytes;
    private final Path file;
    private final long size;
    private final String sha256;

    private PointBody(byte[] bytes, Path file, long size, String sha256) {
        this.bytes = bytes;
        this.file = file;
        this.size = size;
        this.sha256 = sha256;
    }

    /** Encodes {@code point}; above {@value #IN_MEMORY} bytes into a file in {@code spoolDir} (null: all in memory). */
    static PointBody encode(StoredPoint point, Path spoolDir) {
        Spool spool = new Spool(spoolDir);
        try (spool) {
            ManifestCodec.write(point, spool);
        } catch (IOException e) {
            spool.discard();
            throw new UncheckedIOException("cannot spool restore point " + point.point().transaction() + " of "
                    + point.point().repo() + " in " + spoolDir + ": " + e.getMessage(), e);
        }
        String sha = HexFormat.of().formatHex(spool.digest.digest());
        return spool.file == null ? new PointBody(spool.memory.toByteArray(), null, spool.count, sha)
                : new PointBody(null, spool.file, spool.count, sha);
    }

    public long size() {
        return size;
    }

    /** SHA-256 of the bytes as they were encoded. */
    public String sha256() {
        return sha256;
    }

    /** The bytes (read back from the spool file when they are there: for tests and small points). */
    public byte[] bytes() {
        if (bytes != null) {
            return bytes.clone();
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes to upload. */
    ObjectSource source() {
        return bytes != null ? ObjectSource.ofBytes(bytes) : ObjectSource.ofFile(file, size);
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the scratch directory it is in is deleted when the pass ends
            }
        }
    }

    /** Hashes and counts what is written; memory first, a file in the directory once past {@link #IN_MEMORY}. */
    private static final class Spool extends OutputStream {
        private final Path dir;
        private final MessageDigest digest = ManifestCodec.sha256Digest();
        private ByteArrayOutputStream memory = new ByteArrayOutputStream();
        private Path file;
        private OutputStream out;
        private long count;

        Spool(Path dir) {
            this.dir = dir;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            digest.update(b, off, len);
            count += len;
            if (out == null && dir != null && memory.size() + len > IN_MEMORY) {
                file = Files.createTempFile(dir, "point-", ".json");
                out = Files.newOutputStream(file);
                memory.writeTo(out);
                memory = null;
            }
            if (out != null) {
                out.write(b, off, len);
            } else {
                memory.write(b, off, len);
            }
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
            }
        }

        void discard() {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // left in the scratch directory, deleted with it
                }
            }
        }
    }
}
