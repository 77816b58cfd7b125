package io.segvault.core.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    private final RetentionPolicy policy = new RetentionPolicy(Duration.ofDays(30), Duration.ofDays(10));

    @Test
    void everything_written_in_one_generation_shares_one_date() {
        Instant genStart = Instant.ofEpochSecond(policy.generationOf(Instant.parse("2026-11-28T15:00:00Z")) * 864_000L);
        Instant a = genStart.plusSeconds(1);
        Instant b = genStart.plus(Duration.ofDays(10)).minusSeconds(1);
        assertThat(policy.retainUntil(a)).isEqualTo(policy.retainUntil(b));
        assertThat(policy.retainUntil(a)).isEqualTo(genStart.plus(Duration.ofDays(40)));
        assertThat(policy.retainUntil(b.plusSeconds(1))).isEqualTo(genStart.plus(Duration.ofDays(50)));
    }

    @Test
    void every_object_is_locked_at_least_d_and_at_most_d_plus_g() {
        for (long s = 0; s < 3 * 864_000L; s += 37_123) {
            Instant t = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(s);
            Duration lock = Duration.between(t, policy.retainUntil(t));
            assertThat(lock).isGreaterThan(Duration.ofDays(30)).isLessThanOrEqualTo(Duration.ofDays(40));
        }
    }

    @Test
    void second_scale_policies_work() {
        RetentionPolicy short_ = new RetentionPolicy(Duration.ofSeconds(20), Duration.ofSeconds(5));
        Instant t = Instant.ofEpochSecond(1_000_003);
        assertThat(short_.retainUntil(t)).isEqualTo(Instant.ofEpochSecond(1_000_005 + 20));
    }

    @Test
    void rejects_nonsense() {
        assertThatThrownBy(() -> new RetentionPolicy(Duration.ofDays(1), Duration.ofDays(2)))
                .hasMessageContaining("retention.duration").hasMessageContaining("retention.generation");
        assertThatThrownBy(() -> new RetentionPolicy(Duration.ZERO, Duration.ofDays(2))).hasMessageContaining("positive");
        assertThatThrownBy(() -> new RetentionPolicy(Duration.ofDays(2), Duration.ofMillis(10))).hasMessageContaining("1 second");
    }
}
