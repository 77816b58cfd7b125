package io.segvault.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void durations() {
        assertThat(Units.duration("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(Units.duration("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(Units.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Units.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Units.duration("2w")).isEqualTo(Duration.ofDays(14));
        assertThatThrownBy(() -> Units.duration("30")).hasMessageContaining("'30' is not a duration");
        assertThatThrownBy(() -> Units.duration("-3d")).hasMessageContaining("not a duration");
        assertThat(Units.format(Duration.ofDays(30))).isEqualTo("30d");
        assertThat(Units.format(Duration.ofSeconds(90))).isEqualTo("90s");
    }

    @Test
    void sizes() {
        assertThat(Units.bytes("64MiB")).isEqualTo(64L << 20);
        assertThat(Units.bytes("8M")).isEqualTo(8L << 20);
        assertThat(Units.bytes("1GiB")).isEqualTo(1L << 30);
        assertThat(Units.bytes("1234")).isEqualTo(1234);
        assertThatThrownBy(() -> Units.bytes("lots")).hasMessageContaining("'lots' is not a size");
        assertThat(Units.formatBytes(16L << 20)).isEqualTo("16MiB");
    }
}
