package io.segvault.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.segvault.core.layout.BucketLayout;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 20 streams a point's encoding entry by entry instead of building it whole: the bucket format must not change.
 * The bytes are compared with the encoding as it was made before (the whole wire object with every entry, through the
 * same mapper settings) and with a SHA-256 recorded from the code before the change.
 */
class StreamedEncodingTest {

    private static final ObjectMapper BEFORE = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final String ID = "f".repeat(64);
    private static final String SHA = "e".repeat(64);

    static RestorePoint sample() {
        return sample("-alt1"); // the encoder does not judge keys; the recorded SHA-256 was made with this one
    }

    /** Five segments, the fourth under an alternative key ending in {@code altSuffix}. */
    static RestorePoint sample(String altSuffix) {
        List<RestorePoint.SegmentEntry> segs = new ArrayList<>();
        for (long n = 0; n < 5; n++) {
            String sha = HexFormat.of().formatHex(new byte[] {(byte) n}).repeat(32);
            String key = n == 3 ? "segments/" + BucketLayout.pad(n) + "/" + sha + altSuffix : ManifestCodec.segmentKey(n, sha);
            segs.add(new RestorePoint.SegmentEntry(n, key, 100 + n, sha, "v" + n));
        }
        return new RestorePoint(3, "r", ID, 4, Instant.parse("2026-12-03T04:00:00Z"), 1000,
                new RestorePoint.PreviousPoint(2, "a".repeat(64)), segs,
                List.of(new RestorePoint.ControlEntry("config", "control/0000000004/config", 7, SHA, "vc"),
                        new RestorePoint.ControlEntry("hints.4", "control/0000000004/hints.4", 5, SHA, "vh")), false);
    }

    /** The encoding as ManifestCodec made it before: the whole wire object, every entry built first. */
    private static byte[] before(StoredPoint stored) throws Exception {
        RestorePoint p = stored.point();
        List<PointWire.Segment> segs = new ArrayList<>();
        for (RestorePoint.SegmentEntry s : p.segments()) {
            String derived = ManifestCodec.segmentKey(s.n(), s.sha256());
            segs.add(new PointWire.Segment(s.n(), s.sha256(), s.size(), s.versionId(), derived.equals(s.key()) ? null : s.key()));
        }
        return BEFORE.writeValueAsBytes(new PointWire(p.formatVersion(), p.repo(), p.repoId(), p.transaction(), p.createdAt(),
                p.segmentsPerDir(), p.previous(), stored.delta() ? PointWire.DELTA : PointWire.CHECKPOINT, segs,
                stored.delta() ? stored.removed() : null, p.control(), p.indexOmitted()));
    }

    @Test
    void a_streamed_checkpoint_has_the_bytes_of_the_whole_encoding() throws Exception {
        StoredPoint checkpoint = StoredPoint.full(sample());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ManifestCodec.write(checkpoint, out);

        assertThat(out.toByteArray()).isEqualTo(before(checkpoint)).isEqualTo(ManifestCodec.encode(sample()));
        assertThat(ManifestCodec.sha256(out.toByteArray())).as("recorded from the encoder before issue 20")
                .isEqualTo(RECORDED_CHECKPOINT_SHA);
    }

    @Test
    void a_streamed_delta_has_the_bytes_of_the_whole_encoding() throws Exception {
        StoredPoint delta = new StoredPoint(sample(), true, List.of(7L, 9L));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ManifestCodec.write(delta, out);

        assertThat(out.toByteArray()).isEqualTo(before(delta)).isEqualTo(ManifestCodec.encode(delta));
        assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8)).contains("\"removed\":[7,9]").contains("-alt1");
    }

    @Test
    void decoding_from_a_stream_gives_what_decoding_the_bytes_gives() {
        RestorePoint point = sample("~0123456789abcdef");
        byte[] bytes = ManifestCodec.encode(point);
        BucketLayout layout = new BucketLayout("p/");
        StoredPoint fromStream = ManifestCodec.decode(new ByteArrayInputStream(bytes), "k", "r", layout);

        assertThat(fromStream).isEqualTo(ManifestCodec.decode(bytes, "k", "r", layout));
        assertThat(fromStream.point()).isEqualTo(point);
        assertThat(fromStream.point().segments().get(3).key()).endsWith("~0123456789abcdef");
        assertThat(fromStream.point().segments().get(2).key()).isEqualTo(ManifestCodec.segmentKey(2, "02".repeat(32)));
    }

    /** SHA-256 of {@link #sample()} as a checkpoint, printed by ManifestCodec.encode at 8c1118e (before issue 20). */
    static final String RECORDED_CHECKPOINT_SHA = "0f12633618f3ad90d077623625024817c434c0eb724846d9fa4020aecdecb1e6";
}
