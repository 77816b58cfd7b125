package io.segvault.core.borg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

/** Builds Borg 1.2 segment files byte by byte for tests (layout as in BORG-FORMAT.md §2). */
public final class SegmentBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private SegmentBytes(boolean magic) {
        if (magic) {
            out.writeBytes("BORG_SEG".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A segment starting with the magic. */
    public static SegmentBytes segment() {
        return new SegmentBytes(true);
    }

    /** Raw bytes without magic. */
    public static SegmentBytes raw() {
        return new SegmentBytes(false);
    }

    /** Offset where the next entry will start. */
    public int offset() {
        return out.size();
    }

    public SegmentBytes put(int keySeed, byte[] data) {
        return entry(SegmentReader.TAG_PUT, key(keySeed), data);
    }

    /** A PUT of {@code length} pseudo-random bytes. */
    public SegmentBytes put(int keySeed, int length) {
        byte[] data = new byte[length];
        new Random(keySeed).nextBytes(data);
        return put(keySeed, data);
    }

    public SegmentBytes delete(int keySeed) {
        return entry(SegmentReader.TAG_DELETE, key(keySeed), new byte[0]);
    }

    public SegmentBytes commit() {
        return entry(SegmentReader.TAG_COMMIT, new byte[0], new byte[0]);
    }

    /** An entry with any tag and a correct CRC. */
    public SegmentBytes entry(int tag, byte[] key, byte[] data) {
        int size = 9 + key.length + data.length;
        ByteBuffer header = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0).putInt(size).put((byte) tag);
        byte[] h = header.array();
        CRC32 crc = new CRC32();
        crc.update(h, 4, 5);
        crc.update(key);
        crc.update(data);
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) crc.getValue());
        out.writeBytes(h);
        out.writeBytes(key);
        out.writeBytes(data);
        return this;
    }

    /** An entry header with an arbitrary size field (CRC computed over the header only). */
    public SegmentBytes header(long size, int tag) {
        ByteBuffer header = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0).putInt((int) size).put((byte) tag);
        out.writeBytes(header.array());
        return this;
    }

    public SegmentBytes bytes(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public byte[] build() {
        return out.toByteArray();
    }

    public Path writeTo(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, build());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] key(int seed) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) seed);
        return key;
    }
}
