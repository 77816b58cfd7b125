package io.segvault.core.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BucketLayoutTest {

    private static final String SHA = "a".repeat(64);
    private final BucketLayout layout = new BucketLayout("borg/");

    @Test
    void keys_are_zero_padded_and_parse_back() {
        String seg = layout.segment("acme-prod", 17, SHA);
        assertThat(seg).isEqualTo("borg/acme-prod/segments/0000000017/" + SHA);
        assertThat(layout.parse(seg)).isEqualTo(new BucketLayout.SegmentKey("acme-prod", 17, SHA));

        String ctl = layout.control("acme-prod", 1234, "index.1234");
        assertThat(ctl).isEqualTo("borg/acme-prod/control/0000001234/index.1234");
        assertThat(layout.parse(ctl)).isEqualTo(new BucketLayout.ControlKey("acme-prod", 1234, "index.1234"));

        String point = layout.point("acme-prod", 1234);
        assertThat(point).isEqualTo("borg/acme-prod/points/0000001234.json");
        assertThat(layout.parse(point)).isEqualTo(new BucketLayout.PointKey("acme-prod", 1234, null));
        assertThat(layout.parse(layout.repoJson("acme-prod"))).isEqualTo(new BucketLayout.RepoJsonKey("acme-prod"));
    }

    @Test
    void parse_of_format_is_identity_over_many_numbers() {
        for (long n : new long[] {0, 1, 9, 10, 999, 1000, 123_456_789L, BucketLayout.MAX_NUMBER}) {
            assertThat(layout.parse(layout.segment("r", n, SHA))).isEqualTo(new BucketLayout.SegmentKey("r", n, SHA));
            assertThat(layout.parse(layout.point("r", n))).isEqualTo(new BucketLayout.PointKey("r", n, null));
        }
    }

    @Test
    void padded_keys_sort_numerically() {
        assertThat(layout.point("r", 9)).isLessThan(layout.point("r", 10));
        assertThat(layout.segment("r", 999, SHA)).isLessThan(layout.segment("r", 1000, SHA));
    }

    @ParameterizedTest
    @ValueSource(strings = {"borg/r/segments/../../etc/passwd", "borg/r/control/0000000001/../../x", "/borg/r/repo.json",
        "borg/../r/repo.json", "borg/r/segments/17/" + "a", "borg/r/points/1.json", "borg/r/control/0000000005/index.6",
        "borg/r/control/0000000005/lock.roster", "other/r/repo.json", "borg/r", "borg/.hidden/repo.json"})
    void rejects_keys_outside_the_format(String key) {
        assertThatThrownBy(() -> layout.parse(key)).isInstanceOf(InvalidKeyException.class).hasMessageContaining(key);
    }

    @Test
    void resolve_refuses_traversal_and_absolute_relative_keys() {
        assertThatThrownBy(() -> layout.resolve("r", "../other/segments/0000000001/" + SHA))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("..");
        assertThatThrownBy(() -> layout.resolve("r", "/etc/passwd")).isInstanceOf(InvalidKeyException.class);
        assertThat(layout.resolve("r", "segments/0000000001/" + SHA)).isEqualTo(new BucketLayout.SegmentKey("r", 1, SHA));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/abs/", "no-slash", "a//", "../", "a/../", "./"})
    void rejects_bad_prefixes(String prefix) {
        assertThatThrownBy(() -> new BucketLayout(prefix)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(prefix);
    }

    @Test
    void empty_prefix_works() {
        BucketLayout root = new BucketLayout("");
        assertThat(root.parse(root.point("r", 3))).isEqualTo(new BucketLayout.PointKey("r", 3, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-x", "a/b", "..", ".", "a b"})
    void rejects_bad_repository_names(String name) {
        assertThatThrownBy(() -> BucketLayout.checkRepoName(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void format2_point_keys_carry_the_sha256_of_their_bytes() {
        String key = layout.point("r", 42, SHA);
        assertThat(key).endsWith("points/0000000042-" + SHA + ".json");
        assertThat(layout.parse(key)).isEqualTo(new BucketLayout.PointKey("r", 42, SHA));
        assertThatThrownBy(() -> layout.parse(layout.pointsPrefix("r") + "0000000042-abc.json"))
                .isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void alternative_keys_are_unpredictable_and_parse_to_the_same_entry() {
        String seg = layout.segment("r", 7, SHA);
        String alt1 = layout.alternative(seg);
        String alt2 = layout.alternative(seg);
        assertThat(alt1).startsWith(seg + "~").hasSize(seg.length() + 17).isNotEqualTo(alt2);
        assertThat(layout.parse(alt1)).isEqualTo(new BucketLayout.SegmentKey("r", 7, SHA));
        assertThat(layout.canonical(alt1)).isEqualTo(seg);
        String ctl = layout.control("r", 9, "hints.9");
        assertThat(layout.canonical(layout.alternative(ctl))).isEqualTo(ctl);
        String id = layout.alternative(layout.repoJson("r"));
        assertThat(id).matches(".*/r/repo~[0-9a-f]{16}\\.json");
        assertThat(layout.parse(id)).isEqualTo(new BucketLayout.RepoJsonKey("r"));
        assertThatThrownBy(() -> layout.alternative(layout.point("r", 1, SHA))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void padSpellsAsPercent010d() {
        for (long n : new long[] {0, 7, 123, 999_999_999L, 1_000_000_000L, 9_999_999_999L, 12_345_678_901L, Long.MAX_VALUE, -5,
                Long.MIN_VALUE}) {
            assertThat(BucketLayout.pad(n)).as("%d", n).isEqualTo(String.format(java.util.Locale.ROOT, "%010d", n));
        }
    }

    @Test
    void onlyLowerCaseHexOf64DigitsIsASha256() {
        assertThat(BucketLayout.isSha256(SHA)).isTrue();
        assertThat(BucketLayout.isSha256(SHA.toUpperCase(java.util.Locale.ROOT))).isFalse();
        assertThat(BucketLayout.isSha256(SHA.substring(1))).isFalse();
        assertThat(BucketLayout.isSha256(SHA + "0")).isFalse();
        assertThat(BucketLayout.isSha256(SHA.substring(1) + "g")).isFalse();
        assertThat(BucketLayout.isSha256(null)).isFalse();
        assertThatThrownBy(() -> layout.segment("r", 1, SHA.substring(1) + "/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 lower-case hex digits");
    }
}
