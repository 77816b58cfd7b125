package io.segvault.core.borg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Reads Borg 1.2 segment files: entry-by-entry validation ({@link #scan}) and content hashing ({@link #hash}).
 *
 * <p>Both stream the file through one 1 MiB buffer opened read-only, so memory does not depend on the segment size
 * (segments are up to {@code max_segment_size} plus one object, 500 MiB by default). I/O errors are reported as
 * {@link BorgRepositoryException} naming the file.
 *
 * <p>Segment layout: 8 bytes magic {@code BORG_SEG}, then entries back to back: {@code crc32 (u32 LE) | size (u32
 * LE, whole entry) | tag (u8: 0 PUT, 1 DELETE, 2 COMMIT) | key (32 bytes, PUT and DELETE) | data (PUT)}; the CRC
 * covers the entry from its size field to its end.
 */
public final class SegmentReader {

    static final byte[] MAGIC = "BORG_SEG".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ATTIC_MAGIC = "ATTICSEG".getBytes(StandardCharsets.US_ASCII);
    /** The constant 9-byte COMMIT entry. */
    static final byte[] COMMIT = {0x40, (byte) 0xf4, 0x3c, 0x25, 0x09, 0x00, 0x00, 0x00, 0x02};
    static final int HEADER_SIZE = 9;
    static final int KEYED_HEADER_SIZE = 41;
    /** borg's MAX_OBJECT_SIZE: no entry may be larger than 20 MiB. */
    static final long MAX_ENTRY_SIZE = 20L * 1024 * 1024;
    static final int TAG_PUT = 0;
    static final int TAG_DELETE = 1;
    static final int TAG_COMMIT = 2;
    private static final int TAG_PUT2 = 3;

    private SegmentReader() {
    }

    /**
     * Parses every entry of {@code segment}: magic, entry sizes, CRC32 of each entry, tags; counts PUT, DELETE and
     * COMMIT entries and decides whether borg would treat the segment as committed. Never throws for bad content;
     * the first problem is reported in the result with its offset.
     *
     * @throws BorgRepositoryException when the file cannot be opened or read
     */
    public static SegmentScan scan(Path segment) {
        try (ChunkedReader reader = new ChunkedReader(segment)) {
            return new Scanner(reader).run();
        } catch (IOException e) {
            throw new BorgRepositoryException(segment, "cannot read segment " + segment + ": " + e, e);
        }
    }

    /**
     * SHA-256 of the whole file, read once in 1 MiB pieces.
     *
     * @throws BorgRepositoryException when the file cannot be opened or read
     */
    public static HashedFile hash(Path file) {
        MessageDigest digest = sha256();
        try (ChunkedReader reader = new ChunkedReader(file)) {
            long size = reader.stream(Long.MAX_VALUE, digest::update);
            return new HashedFile(size, HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            throw new BorgRepositoryException(file, "cannot read " + file + ": " + e, e);
        }
    }

    /**
     * Whether the last 9 bytes of {@code segment} are the COMMIT entry: borg's cheap first test for a committed
     * segment, enough to tell that a transaction has been committed in a segment being watched.
     *
     * @throws IOException when the file cannot be read (e.g. it vanished)
     */
    static boolean endsWithCommitEntry(Path segment) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < MAGIC.length + COMMIT.length) {
                return false;
            }
            ByteBuffer tail = ByteBuffer.allocate(COMMIT.length);
            long at = size - COMMIT.length;
            while (tail.hasRemaining()) {
                int n = channel.read(tail, at + tail.position());
                if (n < 0) {
                    return false;
                }
            }
            return Arrays.equals(tail.array(), COMMIT);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** One pass over the entries of a segment. */
    private static final class Scanner {
        private final ChunkedReader reader;
        private final byte[] header = new byte[HEADER_SIZE];
        private final CRC32 crc = new CRC32();
        private long size;
        private int puts;
        private int deletes;
        private int commits;
        private boolean seenCommit;
        private boolean entryAfterCommit;
        private long lastEntrySize;

        Scanner(ChunkedReader reader) {
            this.reader = reader;
        }

        SegmentScan run() throws IOException {
            size = reader.size();
            if (size == 0) {
                return failure("empty file (borg treats a 0-byte segment as absent)", 0);
            }
            byte[] magic = new byte[MAGIC.length];
            int got = reader.read(magic, magic.length);
            if (got < magic.length) {
                return failure("file of " + size + " bytes is shorter than the 8-byte magic", 0);
            }
            if (Arrays.equals(magic, ATTIC_MAGIC)) {
                return failure("Attic segment (magic ATTICSEG), not upgraded to Borg", 0);
            }
            if (!Arrays.equals(magic, MAGIC)) {
                return failure("bad magic: not a Borg segment (expected BORG_SEG)", 0);
            }
            while (reader.position() < size) {
                long at = reader.position();
                String error = entry(at);
                if (error != null) {
                    return failure(error, at);
                }
            }
            boolean committed = seenCommit && !entryAfterCommit && lastEntrySize == HEADER_SIZE;
            return new SegmentScan(size, puts, deletes, commits, committed, true, null, -1);
        }

        /** Validates and consumes the entry at {@code offset}; returns the problem found, or null. */
        private String entry(long offset) throws IOException {
            long left = size - offset;
            if (left < HEADER_SIZE) {
                return "truncated entry header: " + left + " bytes left, an entry needs at least 9";
            }
            reader.read(header, HEADER_SIZE);
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            long stored = Integer.toUnsignedLong(h.getInt(0));
            long entrySize = Integer.toUnsignedLong(h.getInt(4));
            int tag = Byte.toUnsignedInt(header[8]);
            String error = checkHeader(entrySize, tag, left);
            if (error != null) {
                return error;
            }
            crc.reset();
            crc.update(header, 4, HEADER_SIZE - 4);
            long body = entrySize - HEADER_SIZE;
            if (reader.stream(body, crc::update) != body) {
                return "file ended inside the entry (file shrank while reading?)";
            }
            if (crc.getValue() != stored) {
                return String.format("CRC32 mismatch: stored %08x, computed %08x", stored, crc.getValue());
            }
            count(tag, entrySize);
            return null;
        }

        private static String checkHeader(long entrySize, int tag, long left) {
            if (entrySize < HEADER_SIZE) {
                return "entry size " + entrySize + " is below the minimum of 9";
            }
            if (entrySize > MAX_ENTRY_SIZE) {
                return "entry size " + entrySize + " exceeds borg's maximum of " + MAX_ENTRY_SIZE;
            }
            if (tag > TAG_COMMIT) {
                return tag == TAG_PUT2 ? "tag 3 (PUT2) belongs to Borg 2 segments" : "unknown tag " + tag;
            }
            if (tag != TAG_COMMIT && entrySize < KEYED_HEADER_SIZE) {
                return "entry size " + entrySize + " is too small for a " + (tag == TAG_PUT ? "PUT" : "DELETE")
                        + " (needs 41 for header and key)";
            }
            if (entrySize > left) {
                return "truncated entry: size " + entrySize + " but only " + left + " bytes left in the file";
            }
            return null;
        }

        private void count(int tag, long entrySize) {
            switch (tag) {
                case TAG_PUT -> puts++;
                case TAG_DELETE -> deletes++;
                default -> commits++;
            }
            if (tag == TAG_COMMIT) {
                seenCommit = true;
            } else if (seenCommit) {
                entryAfterCommit = true;
            }
            lastEntrySize = entrySize;
        }

        private SegmentScan failure(String error, long offset) {
            return new SegmentScan(size, puts, deletes, commits, false, false, error, offset);
        }
    }
}
