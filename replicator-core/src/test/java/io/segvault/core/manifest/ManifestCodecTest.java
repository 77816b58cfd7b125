package io.segvault.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.core.layout.BucketLayout;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {

    private static final String SHA = "e".repeat(64);
    private final BucketLayout layout = new BucketLayout("p/");

    private RestorePoint point(String segKey) {
        return new RestorePoint(1, "r", "f".repeat(64), 12, Instant.parse("2026-11-28T15:00:00Z"), 1000,
                new RestorePoint.PreviousPoint(8, "a".repeat(64)),
                List.of(new RestorePoint.SegmentEntry(3, segKey, 100, SHA, "v3")),
                List.of(new RestorePoint.ControlEntry("hints.12", "control/0000000012/hints.12", 5, SHA, "v4")), false);
    }

    @Test
    void round_trip_is_exact_and_deterministic() {
        RestorePoint p = point("segments/0000000003/" + SHA);
        byte[] a = ManifestCodec.encode(p);
        byte[] b = ManifestCodec.encode(ManifestCodec.decodePoint(a, "x", "r", layout));
        assertThat(b).isEqualTo(a);
        assertThat(ManifestCodec.decodePoint(a, "x", "r", layout)).isEqualTo(p);
        assertThat(new String(a, StandardCharsets.UTF_8)).contains("\"transaction\" : 12").contains("\"createdAt\" : \"2026-11-28T15:00:00Z\"");
    }

    @Test
    void not_json_is_refused_with_position() {
        assertThatThrownBy(() -> ManifestCodec.decodePoint("{ nope".getBytes(), "p/r/points/0000000001.json", "r", layout))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("p/r/points/0000000001.json is not a valid restore point (JSON)")
                .hasMessageContaining("line 1");
    }

    @Test
    void traversal_in_a_named_key_is_refused() {
        byte[] bad = ManifestCodec.encode(point("../../etc/passwd"));
        assertThatThrownBy(() -> ManifestCodec.decodePoint(bad, "src", "r", layout)).isInstanceOf(ManifestException.class)
                .hasMessageContaining("invalid key").hasMessageContaining("..");
    }

    @Test
    void key_must_match_its_entry() {
        byte[] bad = ManifestCodec.encode(point("segments/0000000004/" + SHA));
        assertThatThrownBy(() -> ManifestCodec.decodePoint(bad, "src", "r", layout))
                .hasMessageContaining("segment entry 3 names key segments/0000000004/");
    }

    @Test
    void an_entry_built_with_its_derived_key_equals_one_read_with_it_spelled_out() {
        RestorePoint.SegmentEntry spelled = new RestorePoint.SegmentEntry(3, "segments/0000000003/" + SHA, 100, SHA, "v3");
        RestorePoint.SegmentEntry derived = RestorePoint.SegmentEntry.ofDerivedKey(3, 100, SHA, "v3");
        assertThat(derived).isEqualTo(spelled);
        assertThat(derived.key()).isEqualTo(spelled.key()).isEqualTo("segments/0000000003/" + SHA);
        assertThat(derived.derivedKey()).isTrue();
        assertThat(new RestorePoint.SegmentEntry(3, "segments/0000000003/" + SHA + "~0123456789abcdef", 100, SHA, "v3").derivedKey())
                .isFalse();
    }

    @Test
    void other_repository_or_format_is_refused() {
        byte[] ok = ManifestCodec.encode(point("segments/0000000003/" + SHA));
        assertThatThrownBy(() -> ManifestCodec.decodePoint(ok, "src", "other", layout)).hasMessageContaining("belongs to repository r");
        String future = new String(ok, StandardCharsets.UTF_8).replaceAll("\"formatVersion\" : \\d", "\"formatVersion\" : 4");
        assertThatThrownBy(() -> ManifestCodec.decodePoint(future.getBytes(), "src", "r", layout)).hasMessageContaining("format 4");
        String old = new String(ok, StandardCharsets.UTF_8).replaceAll("\"formatVersion\" : \\d", "\"formatVersion\" : 1");
        assertThat(ManifestCodec.decodePoint(old.getBytes(), "src", "r", layout).formatVersion()).as("format 1 still reads").isEqualTo(1);
    }
}
