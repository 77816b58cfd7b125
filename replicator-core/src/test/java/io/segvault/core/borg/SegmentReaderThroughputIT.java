package io.segvault.core.borg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * hash() and scan() of a 500 MiB segment (borg's default maximum): correct results, memory use independent of the
 * file size, and the throughput logged (the file was just written, so this measures the page cache, i.e. the CPU
 * cost; the disk is slower than both).
 */
class SegmentReaderThroughputIT {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentReaderThroughputIT.class);
    private static final long MIB = 1024 * 1024;
    private static final int ENTRY_DATA = 8 * 1024 * 1024 - 41;
    private static final int PUTS = 62;
    /** Allocation allowed per call: the 1 MiB buffer and small change, far below the 500 MiB read. */
    private static final long ALLOCATION_LIMIT = 8 * MIB;

    @TempDir
    Path tmp;

    @Test
    void hash_and_scan_a_500_mib_segment_with_bounded_memory() throws Exception {
        Path segment = tmp.resolve("segment");
        String expectedSha = writeSegment(segment);
        long size = Files.size(segment);
        assertThat(size).isGreaterThan(490 * MIB);

        for (int round = 1; round <= 2; round++) {
            HashedFile hashed = measure("hash", round, size, () -> SegmentReader.hash(segment));
            assertThat(hashed).isEqualTo(new HashedFile(size, expectedSha));
            SegmentScan scan = measure("scan", round, size, () -> SegmentReader.scan(segment));
            assertThat(scan).isEqualTo(new SegmentScan(size, PUTS, 0, 1, true, true, null, -1));
        }
    }

    private static <T> T measure(String what, int round, long size, Supplier<T> call) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long allocatedBefore = threads.getThreadAllocatedBytes(thread);
        long start = System.nanoTime();
        T result = call.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
        LOG.info("{} round {}: {} MiB in {} s = {} MiB/s, {} KiB allocated", what, round, size / MIB,
                String.format("%.2f", seconds), String.format("%.0f", size / (double) MIB / seconds), allocated / 1024);
        assertThat(allocated).as(what + " allocation").isLessThan(ALLOCATION_LIMIT);
        return result;
    }

    /** 62 PUTs of 8 MiB pseudo-random data and a COMMIT; returns the SHA-256 of the file. */
    private static String writeSegment(Path file) throws IOException {
        MessageDigest sha = SegmentReader.sha256();
        byte[] data = new byte[ENTRY_DATA];
        Random random = new Random(500);
        try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20), sha)) {
            out.write(SegmentReader.MAGIC);
            for (int i = 0; i < PUTS; i++) {
                random.nextBytes(data);
                byte[] header = new byte[41];
                ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
                h.putInt(4, 41 + data.length).put(8, (byte) SegmentReader.TAG_PUT);
                header[9] = (byte) i;
                CRC32 crc = new CRC32();
                crc.update(header, 4, 37);
                crc.update(data);
                h.putInt(0, (int) crc.getValue());
                out.write(header);
                out.write(data);
            }
            out.write(SegmentReader.COMMIT);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
