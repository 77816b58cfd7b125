package io.segvault.core.restore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of one file whose fixed-size ranges are written in parallel, each range front to back, computed
 * while the bytes arrive instead of in a second pass over the finished file.
 *
 * <p>The digest consumes bytes strictly in file order. A range writer that has just written the next byte to
 * hash digests its buffer directly (the bytes are still in the CPU cache); bytes written ahead of that point
 * are read back from the file (the page cache) by whichever writer finds them next in order. At most one
 * thread digests at a time; the others never wait for it. Once every range is completely written and every
 * writer has returned from {@link #written}, {@link #hashed()} equals the file size and {@link #sha256()} is
 * the digest of exactly the bytes written, each byte counted once.
 *
 * <p>Thread-safe. Each range must be written by one thread at a time, from its start, contiguously: a retry
 * resumes at {@link #resumeAt(int)}, so no byte is ever written twice.
 */
final class OrderedHasher {

    private static final int READ_BACK = 256 * 1024;

    private final MessageDigest digest;
    private final FileChannel file;
    private final Path path;
    private final long size;
    private final long rangeSize;
    private final long[] writtenTo;
    private long hashed;
    private boolean busy;
    private String sha256;

    /**
     * @param file      the file being written, open for reading (for bytes written ahead of the digest)
     * @param path      its path, for messages
     * @param size      the file's final size
     * @param rangeSize bytes per range; the last range may be shorter
     */
    OrderedHasher(FileChannel file, Path path, long size, long rangeSize) {
        if (rangeSize <= 0 || size < 0) {
            throw new IllegalArgumentException("size " + size + ", range size " + rangeSize);
        }
        this.digest = sha256Digest();
        this.file = file;
        this.path = path;
        this.size = size;
        this.rangeSize = rangeSize;
        int ranges = (int) ((size + rangeSize - 1) / rangeSize);
        this.writtenTo = new long[ranges];
        for (int k = 0; k < ranges; k++) {
            writtenTo[k] = start(k);
        }
    }

    int ranges() {
        return writtenTo.length;
    }

    long start(int range) {
        return range * rangeSize;
    }

    long end(int range) {
        return Math.min(size, (range + 1) * rangeSize);
    }

    /** Where writing of {@code range} continues: its start, or after the bytes an earlier attempt wrote. */
    synchronized long resumeAt(int range) {
        return writtenTo[range];
    }

    /**
     * Range {@code range} has just written {@code buf[0, length)} at {@code position} (where it had got to).
     * Digests those bytes now when they are the next to hash, then catches up on whatever else is written and
     * next in order.
     *
     * @throws RestoreException when bytes written earlier cannot be read back from the file
     */
    void written(int range, byte[] buf, int length, long position) {
        boolean inline;
        synchronized (this) {
            if (position != writtenTo[range] || position + length > end(range)) {
                throw new IllegalStateException("range " + range + " of " + path + " wrote " + length + " bytes at " + position
                        + "; it had got to " + writtenTo[range] + " of " + end(range));
            }
            writtenTo[range] = position + length;
            inline = !busy && hashed == position;
            busy |= inline;
        }
        if (inline) {
            digest.update(buf, 0, length);
            release(position + length);
        }
        catchUp();
    }

    /** Bytes digested so far: a prefix of the file. */
    synchronized long hashed() {
        return hashed;
    }

    /** The lower-case hex SHA-256 of the whole file, once {@link #hashed()} has reached the size. */
    synchronized String sha256() {
        if (hashed != size || busy) {
            throw new IllegalStateException(path + ": " + hashed + " of " + size + " bytes hashed");
        }
        if (sha256 == null) {
            sha256 = HexFormat.of().formatHex(digest.digest());
        }
        return sha256;
    }

    private synchronized void release(long to) {
        hashed = to;
        busy = false;
    }

    private void catchUp() {
        ByteBuffer buf = null;
        while (true) {
            long from;
            long to;
            synchronized (this) {
                if (busy || hashed == size) {
                    return;
                }
                from = hashed;
                to = contiguousEnd();
                if (to == from) {
                    return;
                }
                busy = true;
            }
            if (buf == null) {
                buf = ByteBuffer.allocate(READ_BACK);
            }
            try {
                readBack(buf, from, to);
            } catch (IOException | RuntimeException e) {
                release(from);
                throw new RestoreException("cannot read back " + path + " bytes " + from + "-" + (to - 1) + " to hash them: " + e, e);
            }
            release(to);
        }
    }

    /** End of the bytes written without a gap from {@link #hashed}; called holding the lock. */
    private long contiguousEnd() {
        int k = (int) (hashed / rangeSize);
        long end = writtenTo[k];
        while (end == end(k) && k + 1 < writtenTo.length) {
            k++;
            end = writtenTo[k];
        }
        return end;
    }

    private void readBack(ByteBuffer buf, long from, long to) throws IOException {
        long pos = from;
        while (pos < to) {
            buf.clear().limit((int) Math.min(buf.capacity(), to - pos));
            while (buf.hasRemaining()) {
                int n = file.read(buf, pos + buf.position());
                if (n < 0) {
                    throw new IOException("the file ends at " + (pos + buf.position()));
                }
            }
            digest.update(buf.array(), 0, buf.position());
            pos += buf.position();
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
