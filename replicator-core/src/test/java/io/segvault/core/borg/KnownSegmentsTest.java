package io.segvault.core.borg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The compact catalog gives back each SHA-256 as it was spelled, and compares entries as {@link KnownSegment#equals} does. */
class KnownSegmentsTest {

    private static final List<String> SHAS = List.of("ab".repeat(32), "0".repeat(64), "f".repeat(64), "AB".repeat(32),
            "ab".repeat(31) + "ag", "abc", "", "ab".repeat(33));

    private static KnownSegments of(List<String> shas, long mtime) {
        KnownSegments.Builder b = new KnownSegments.Builder(shas.size());
        for (int i = 0; i < shas.size(); i++) {
            b.put(new KnownSegment(i, 100 + i, shas.get(i), new Fingerprint(100 + i, mtime, "(dev=fd00,ino=" + i + ")")));
        }
        return b.build();
    }

    @Test
    void every_sha256_comes_back_as_spelled() {
        KnownSegments k = of(SHAS, 5);
        for (int i = 0; i < SHAS.size(); i++) {
            assertThat(k.at(i)).isEqualTo(new KnownSegment(i, 100 + i, SHAS.get(i), new Fingerprint(100 + i, 5, "(dev=fd00,ino=" + i + ")")));
        }
    }

    @Test
    void same_at_agrees_with_equals() {
        KnownSegments a = of(SHAS, 5);
        KnownSegments shifted = of(SHAS.subList(1, SHAS.size()), 5);
        KnownSegments touched = of(SHAS, 6);
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < a.size(); j++) {
                assertThat(a.sameAt(i, a, j)).isEqualTo(a.at(i).equals(a.at(j)));
                assertThat(a.sameAt(i, touched, j)).as("another modification time").isFalse();
            }
            for (int j = 0; j < shifted.size(); j++) {
                assertThat(a.sameAt(i, shifted, j)).isEqualTo(a.at(i).equals(shifted.at(j)));
            }
        }
        assertThat(a.sameAt(3, of(List.of("x", "x", "x", "ab".repeat(32)), 5), 3)).as("upper case is another spelling").isFalse();
    }
}
