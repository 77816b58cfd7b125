package io.segvault.core.borg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentReaderTest {

    @TempDir
    Path tmp;

    private SegmentScan scan(SegmentBytes bytes) {
        return SegmentReader.scan(bytes.writeTo(tmp.resolve("seg")));
    }

    @Test
    void commit_entry_built_from_the_format_is_borgs_constant() {
        byte[] segment = SegmentBytes.segment().commit().build();
        assertThat(Arrays.copyOfRange(segment, 8, 17)).isEqualTo(SegmentReader.COMMIT);
        assertThat(HexFormat.of().formatHex(SegmentReader.COMMIT)).isEqualTo("40f43c250900000002");
    }

    @Test
    void valid_put_delete_commit_sequence_is_counted_and_committed() {
        SegmentScan scan = scan(SegmentBytes.segment().put(1, 100).put(2, 0).delete(3).delete(4).put(5, 4000).commit());
        assertThat(scan.valid()).isTrue();
        assertThat(scan.error()).isNull();
        assertThat(scan.errorOffset()).isEqualTo(-1);
        assertThat(scan.puts()).isEqualTo(3);
        assertThat(scan.deletes()).isEqualTo(2);
        assertThat(scan.commits()).isEqualTo(1);
        assertThat(scan.endsWithCommit()).isTrue();
        assertThat(scan.size()).isEqualTo(8 + (41 + 100) + 41 + 41 + 41 + (41 + 4000) + 9);
    }

    @Test
    void commit_only_segment_of_17_bytes_is_committed() {
        SegmentScan scan = scan(SegmentBytes.segment().commit());
        assertThat(scan).isEqualTo(new SegmentScan(17, 0, 0, 1, true, true, null, -1));
    }

    @Test
    void segment_without_commit_is_valid_but_not_committed() {
        SegmentScan scan = scan(SegmentBytes.segment().put(1, 10).delete(2));
        assertThat(scan.valid()).isTrue();
        assertThat(scan.endsWithCommit()).isFalse();
        assertThat(scan.puts()).isEqualTo(1);
    }

    @Test
    void intermediate_commits_as_written_by_compaction_are_committed() {
        SegmentScan scan = scan(SegmentBytes.segment().put(1, 1000).commit().commit());
        assertThat(scan.valid()).isTrue();
        assertThat(scan.commits()).isEqualTo(2);
        assertThat(scan.endsWithCommit()).isTrue();
    }

    @Test
    void intermediate_commit_followed_by_put_is_not_committed() {
        SegmentScan scan = scan(SegmentBytes.segment().put(1, 1000).commit().put(2, 50));
        assertThat(scan.valid()).isTrue();
        assertThat(scan.endsWithCommit()).isFalse();
        assertThat(scan.commits()).isEqualTo(1);
        assertThat(scan.puts()).isEqualTo(2);
    }

    @Test
    void put_after_a_commit_makes_the_segment_uncommitted_even_when_it_ends_with_commit() {
        // borg's is_committed_segment: no non-COMMIT entry may follow a COMMIT
        SegmentScan scan = scan(SegmentBytes.segment().put(1, 10).commit().put(2, 10).commit());
        assertThat(scan.valid()).isTrue();
        assertThat(scan.endsWithCommit()).isFalse();
    }

    @Test
    void truncated_entry_reports_its_offset() {
        SegmentBytes bytes = SegmentBytes.segment().put(1, 100);
        int second = bytes.offset();
        byte[] full = bytes.put(2, 5000).commit().build();
        Path file = tmp.resolve("seg");
        SegmentBytes.raw().bytes(Arrays.copyOf(full, second + 2000)).writeTo(file);
        SegmentScan scan = SegmentReader.scan(file);
        assertThat(scan.valid()).isFalse();
        assertThat(scan.endsWithCommit()).isFalse();
        assertThat(scan.errorOffset()).isEqualTo(second);
        assertThat(scan.error()).contains("truncated entry").contains("5041").contains("2000");
        assertThat(scan.puts()).isEqualTo(1);
    }

    @Test
    void truncated_header_at_the_end() {
        SegmentBytes bytes = SegmentBytes.segment().put(1, 10);
        int end = bytes.offset();
        SegmentScan scan = scan(bytes.bytes(new byte[] {1, 2, 3, 4, 5}));
        assertThat(scan.valid()).isFalse();
        assertThat(scan.errorOffset()).isEqualTo(end);
        assertThat(scan.error()).contains("truncated entry header").contains("5 bytes");
    }

    @Test
    void bad_crc_is_reported_at_the_entry_and_stops_the_scan() {
        SegmentBytes bytes = SegmentBytes.segment().put(1, 10);
        int second = bytes.offset();
        byte[] data = bytes.put(2, 3000).commit().build();
        data[second + 41 + 1500] ^= 0x01;
        SegmentScan scan = scan(SegmentBytes.raw().bytes(data));
        assertThat(scan.valid()).isFalse();
        assertThat(scan.error()).startsWith("CRC32 mismatch");
        assertThat(scan.errorOffset()).isEqualTo(second);
        assertThat(scan.puts()).isEqualTo(1);
        assertThat(scan.commits()).isZero();
        assertThat(scan.endsWithCommit()).isFalse();
    }

    @Test
    void crc_covers_the_size_and_tag_fields() {
        byte[] data = SegmentBytes.segment().delete(1).build();
        data[8 + 8] = 0; // DELETE -> PUT without fixing the CRC
        SegmentScan scan = scan(SegmentBytes.raw().bytes(data));
        assertThat(scan.error()).startsWith("CRC32 mismatch");
    }

    @Test
    void unknown_tag_with_valid_crc_is_rejected() {
        SegmentBytes bytes = SegmentBytes.segment().put(1, 10);
        int at = bytes.offset();
        SegmentScan scan = scan(bytes.entry(7, SegmentBytes.key(9), new byte[20]));
        assertThat(scan.valid()).isFalse();
        assertThat(scan.error()).isEqualTo("unknown tag 7");
        assertThat(scan.errorOffset()).isEqualTo(at);
    }

    @Test
    void borg2_put2_tag_is_named() {
        SegmentScan scan = scan(SegmentBytes.segment().entry(3, SegmentBytes.key(1), new byte[30]));
        assertThat(scan.error()).contains("PUT2").contains("Borg 2");
    }

    @Test
    void size_below_9_is_rejected() {
        SegmentScan scan = scan(SegmentBytes.segment().header(5, 0).bytes(new byte[40]));
        assertThat(scan.valid()).isFalse();
        assertThat(scan.error()).isEqualTo("entry size 5 is below the minimum of 9");
        assertThat(scan.errorOffset()).isEqualTo(8);
    }

    @Test
    void size_above_borgs_maximum_is_rejected() {
        SegmentScan scan = scan(SegmentBytes.segment().header(20L * 1024 * 1024 + 1, 0).bytes(new byte[40]));
        assertThat(scan.error()).contains("exceeds borg's maximum of 20971520");
    }

    @Test
    void put_too_small_for_a_key_is_rejected() {
        SegmentScan scan = scan(SegmentBytes.segment().entry(0, new byte[10], new byte[0]));
        assertThat(scan.error()).contains("too small for a PUT");
    }

    @Test
    void trailing_garbage_after_a_commit_makes_the_segment_invalid() {
        SegmentBytes bytes = SegmentBytes.segment().put(1, 10).commit();
        int garbage = bytes.offset();
        SegmentScan scan = scan(bytes.bytes(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0x7f, 0x7f,
            0x7f, 0x7f, 0x00, 0x11, 0x22}));
        assertThat(scan.valid()).isFalse();
        assertThat(scan.endsWithCommit()).isFalse();
        assertThat(scan.errorOffset()).isEqualTo(garbage);
        assertThat(scan.commits()).isEqualTo(1);
    }

    @Test
    void empty_file_is_not_a_valid_segment() {
        SegmentScan scan = scan(SegmentBytes.raw());
        assertThat(scan).isEqualTo(new SegmentScan(0, 0, 0, 0, false, false,
                "empty file (borg treats a 0-byte segment as absent)", 0));
    }

    @Test
    void magic_only_segment_is_valid_and_empty() {
        assertThat(scan(SegmentBytes.segment())).isEqualTo(new SegmentScan(8, 0, 0, 0, false, true, null, -1));
    }

    @Test
    void wrong_magic_and_attic_magic_are_named() {
        assertThat(scan(SegmentBytes.raw().bytes("NOT_BORG_AT_ALL".getBytes())).error()).contains("bad magic");
        assertThat(scan(SegmentBytes.raw().bytes("ATTICSEG".getBytes())).error()).contains("Attic");
        assertThat(scan(SegmentBytes.raw().bytes("BORG".getBytes())).error()).contains("shorter than the 8-byte magic");
    }

    @Test
    void entries_larger_than_the_read_buffer_are_checked_across_buffer_boundaries() {
        SegmentBytes bytes = SegmentBytes.segment();
        for (int i = 0; i < 5; i++) {
            bytes.put(i, 1_500_000 + i * 7919);
        }
        byte[] data = bytes.commit().build();
        assertThat(scan(SegmentBytes.raw().bytes(data)).valid()).isTrue();
        data[data.length - 9 - 700_000] ^= 0x40;
        SegmentScan broken = scan(SegmentBytes.raw().bytes(data));
        assertThat(broken.valid()).isFalse();
        assertThat(broken.puts()).isEqualTo(4);
    }

    @Test
    void hash_is_the_sha256_of_the_whole_file() throws Exception {
        byte[] data = SegmentBytes.segment().put(1, 3 * 1024 * 1024 + 17).commit().build();
        Path file = SegmentBytes.raw().bytes(data).writeTo(tmp.resolve("big"));
        HashedFile hashed = SegmentReader.hash(file);
        assertThat(hashed.size()).isEqualTo(data.length);
        assertThat(hashed.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
        Path empty = Files.createFile(tmp.resolve("empty"));
        assertThat(SegmentReader.hash(empty).sha256())
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void missing_file_throws_naming_the_path() {
        Path missing = tmp.resolve("data/0/42");
        assertThatThrownBy(() -> SegmentReader.scan(missing)).isInstanceOf(BorgRepositoryException.class)
                .hasMessageContaining(missing.toString())
                .satisfies(e -> assertThat(((BorgRepositoryException) e).path()).isEqualTo(missing));
        assertThatThrownBy(() -> SegmentReader.hash(missing)).isInstanceOf(BorgRepositoryException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void commit_tail_check_reads_only_the_last_nine_bytes() throws IOException {
        assertThat(SegmentReader.endsWithCommitEntry(SegmentBytes.segment().put(1, 10).commit().writeTo(tmp.resolve("a"))))
                .isTrue();
        assertThat(SegmentReader.endsWithCommitEntry(SegmentBytes.segment().put(1, 10).writeTo(tmp.resolve("b"))))
                .isFalse();
        assertThat(SegmentReader.endsWithCommitEntry(SegmentBytes.raw().bytes(SegmentReader.COMMIT).writeTo(tmp.resolve("c"))))
                .as("shorter than magic + commit").isFalse();
    }
}
