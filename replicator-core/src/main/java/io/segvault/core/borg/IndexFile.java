package io.segvault.core.borg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads a Borg 1.x {@code index.T} (NSIndex hash table): {@code "BORG_IDX" | int32 entries | int32 buckets | int8
 * key size (32) | int8 value size (8)}, then {@code buckets} entries of {@code key[32] | uint32 segment | uint32
 * offset}; segment {@code 0xffffffff} marks an empty bucket and {@code 0xfffffffe} a deleted one. All little-endian.
 */
public final class IndexFile {

    private static final byte[] MAGIC = "BORG_IDX".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 18;
    private static final int KEY_SIZE = 32;
    private static final int VALUE_SIZE = 8;
    private static final int BUCKET = KEY_SIZE + VALUE_SIZE;
    private static final long EMPTY = 0xffffffffL;
    private static final long DELETED = 0xfffffffeL;
    private static final int BUCKETS_PER_READ = 16 * 1024;

    private IndexFile() {
    }

    /**
     * The distinct segment numbers the index points into, i.e. the segments holding a live object of transaction T.
     * Streams the file with bounded memory.
     *
     * @throws BorgRepositoryException when the file cannot be read or is not a Borg 1.x index
     */
    public static Set<Long> referencedSegments(Path index) {
        try (ChunkedReader reader = new ChunkedReader(index)) {
            long buckets = header(index, reader);
            Set<Long> segments = new HashSet<>();
            byte[] block = new byte[BUCKETS_PER_READ * BUCKET];
            ByteBuffer view = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
            for (long done = 0; done < buckets;) {
                int n = (int) Math.min(BUCKETS_PER_READ, buckets - done);
                if (reader.read(block, n * BUCKET) != n * BUCKET) {
                    throw malformed(index, "file ended inside the bucket table");
                }
                for (int i = 0; i < n; i++) {
                    long segment = Integer.toUnsignedLong(view.getInt(i * BUCKET + KEY_SIZE));
                    if (segment != EMPTY && segment != DELETED) {
                        segments.add(segment);
                    }
                }
                done += n;
            }
            return segments;
        } catch (IOException e) {
            throw new BorgRepositoryException(index, "cannot read index " + index + ": " + e, e);
        }
    }

    private static long header(Path index, ChunkedReader reader) throws IOException {
        byte[] header = new byte[HEADER];
        if (reader.read(header, HEADER) != HEADER || !Arrays.equals(Arrays.copyOf(header, MAGIC.length), MAGIC)) {
            throw malformed(index, "no BORG_IDX header");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long buckets = Integer.toUnsignedLong(h.getInt(12));
        if (header[16] != KEY_SIZE || header[17] != VALUE_SIZE) {
            throw malformed(index, "key/value size " + header[16] + "/" + header[17] + " instead of 32/8");
        }
        long expected = HEADER + buckets * BUCKET;
        if (reader.size() != expected) {
            throw malformed(index, buckets + " buckets need " + expected + " bytes, file has " + reader.size());
        }
        return buckets;
    }

    private static BorgRepositoryException malformed(Path index, String what) {
        return new BorgRepositoryException(index, index + " is not a Borg 1.x index: " + what);
    }
}
