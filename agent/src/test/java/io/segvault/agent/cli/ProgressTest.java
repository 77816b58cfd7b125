package io.segvault.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link Progress} on a hand-driven clock: what each mode prints, and when the ETA may appear. */
class ProgressTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(1000 * SECOND);
    private final AtomicLong bytes = new AtomicLong();
    private final StringWriter text = new StringWriter();

    private Progress progress(Progress.Mode mode, long every, long total) {
        Progress.Counts counts = new Progress.Counts() {
            @Override
            public long bytes() {
                return bytes.get();
            }

            @Override
            public long objects() {
                return bytes.get() / 1024;
            }

            @Override
            public long totalBytes() {
                return total;
            }

            @Override
            public long totalObjects() {
                return total < 0 ? -1 : total / 1024;
            }
        };
        return new Progress("restore", new PrintWriter(text, true), mode, every, counts, now::get);
    }

    private void advance(long nanos, long addBytes) {
        now.addAndGet(nanos);
        bytes.addAndGet(addBytes);
    }

    @Test
    void lines_carry_rate_and_eta_measured_over_the_interval_and_end_at_100_percent() {
        Progress p = progress(Progress.Mode.LINES, 5 * SECOND, 100 * 1024);
        advance(5 * SECOND, 20 * 1024);
        p.tick();
        advance(5 * SECOND, 30 * 1024);
        p.tick();
        advance(2 * SECOND, 50 * 1024);
        p.close(true);
        List<String> lines = text.toString().lines().toList();
        assertThat(lines).containsExactly(
                "restore: 20% 20.0 KiB of 100.0 KiB, 20 of 100 objects, 4.0 KiB/s, ETA 20 s, 5.0 s elapsed",
                "restore: 50% 50.0 KiB of 100.0 KiB, 50 of 100 objects, 5.0 KiB/s, ETA 10 s, 10.0 s elapsed",
                "restore: 100% 100.0 KiB of 100.0 KiB, 100 of 100 objects, 8.3 KiB/s, 12.0 s elapsed");
    }

    @Test
    void no_rate_and_no_eta_before_a_full_interval_nor_before_the_first_byte() {
        Progress p = progress(Progress.Mode.LINES, 5 * SECOND, 100 * 1024);
        advance(SECOND, 17);
        p.tick();
        advance(4 * SECOND, 0);
        p.tick();
        assertThat(text.toString().lines().toList()).containsExactly(
                "restore: 0% 17 B of 100.0 KiB, 0 of 100 objects, 1.0 s elapsed",
                "restore: 0% 17 B of 100.0 KiB, 0 of 100 objects, 3 B/s, ETA 8 h 21 min, 5.0 s elapsed");
        StringWriter idle = new StringWriter();
        bytes.set(0);
        Progress nothingYet = new Progress("sync", new PrintWriter(idle, true), Progress.Mode.LINES, SECOND,
                new Progress.Counts() {
                    @Override
                    public long bytes() {
                        return 0;
                    }

                    @Override
                    public long objects() {
                        return 0;
                    }

                    @Override
                    public long totalBytes() {
                        return -1;
                    }

                    @Override
                    public long totalObjects() {
                        return -1;
                    }
                }, now::get);
        advance(6 * SECOND, 0);
        nothingYet.tick();
        assertThat(idle.toString()).isEqualTo("sync: 0 B, 0 objects, 6.0 s elapsed\n");
    }

    @Test
    void percent_and_bytes_never_go_backwards_and_stay_below_100_until_the_end() {
        Progress p = progress(Progress.Mode.LINES, SECOND, 1000);
        advance(SECOND, 1200);
        p.tick();
        advance(SECOND, -600);
        p.tick();
        assertThat(text.toString().lines().toList()).allSatisfy(l -> assertThat(l).startsWith("restore: 99% 1.2 KiB of 1.2 KiB, 1 of 0 objects"));
    }

    @Test
    void an_unknown_total_shows_bytes_objects_and_rate_only() {
        Progress p = progress(Progress.Mode.LINES, SECOND, -1);
        advance(2 * SECOND, 4096);
        p.tick();
        assertThat(text.toString()).isEqualTo("restore: 4.0 KiB, 4 objects, 2.0 KiB/s, 2.0 s elapsed\n");
    }

    @Test
    void a_terminal_gets_one_redrawn_line_with_the_eta_only_after_two_seconds_and_cleared_at_the_end() {
        Progress p = progress(Progress.Mode.TERMINAL, 5 * SECOND, 100 * 1024);
        advance(SECOND / 4, 1024);
        p.tick();
        advance(2 * SECOND, 9 * 1024);
        p.tick();
        p.close(true);
        String out = text.toString();
        assertThat(out).doesNotContain("\n");
        String[] frames = out.split("\r");
        assertThat(frames[1]).startsWith("restore: 1% 1.0 KiB of 100.0 KiB").doesNotContain("ETA").doesNotContain("/s");
        assertThat(frames[2]).contains("4.4 KiB/s, ETA 21 s");
        assertThat(frames[3]).isBlank();
    }

    @Test
    void json_is_one_object_per_interval_with_nulls_for_what_is_not_known_yet() throws Exception {
        Progress p = progress(Progress.Mode.JSON, 5 * SECOND, 100 * 1024);
        advance(SECOND, 1024);
        p.tick();
        advance(4 * SECOND, 9 * 1024);
        p.tick();
        List<JsonNode> objects = text.toString().lines().map(ProgressTest::parse).toList();
        assertThat(objects).hasSize(2);
        assertThat(objects.get(0).get("etaSeconds").isNull()).isTrue();
        assertThat(objects.get(0).get("bytesPerSecond").isNull()).isTrue();
        assertThat(objects.get(1).get("bytes").asLong()).isEqualTo(10 * 1024);
        assertThat(objects.get(1).get("percent").asInt()).isEqualTo(10);
        assertThat(objects.get(1).get("etaSeconds").asLong()).isEqualTo(45);
    }

    @Test
    void quiet_prints_nothing_and_a_failed_transfer_gets_no_final_line() {
        Progress quiet = progress(Progress.Mode.QUIET, SECOND, 10);
        advance(2 * SECOND, 5);
        quiet.tick();
        quiet.close(true);
        assertThat(text.toString()).isEmpty();
        Progress failed = progress(Progress.Mode.LINES, SECOND, 10);
        advance(2 * SECOND, 2);
        failed.tick();
        failed.close();
        failed.tick();
        assertThat(text.toString().lines()).hasSize(1);
    }

    private static JsonNode parse(String line) {
        try {
            return Json.mapper().readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
