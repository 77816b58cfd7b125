package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.segvault.agent.cli.Json;
import io.segvault.test.FaultProxy;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress of a real {@code sync} (initial upload of a 12 MiB repository, capped at 3 MiB/s by upload.maxBandwidth) and
 * a real {@code restore} (through a proxy that holds each GET 250 ms) when stdout is not a terminal: lines every
 * interval, in order, never going backwards, no line (and so no ETA) before the first interval has measured the rate,
 * and the same numbers as JSON with {@code --json}.
 */
@ExtendWith(LockedBucketExtension.class)
class ProgressIT {

    private static final double EVERY = 0.5;
    private static final Pattern LINE = Pattern.compile("^(?<label>[\\w ]+): (?:(?<pct>\\d+)% )?(?<bytes>[\\d.]+ (?:B|KiB|MiB))"
            + "(?: of [\\d.]+ (?:B|KiB|MiB))?, (?:\\d+ of )?\\d+ objects(?<rate>, [\\d.]+ (?:B|KiB|MiB)/s)?(?<eta>, ETA [^,]+)?"
            + ", (?<elapsed>[\\d.]+) s elapsed$");

    @TempDir
    Path tmp;

    @Test
    void sync_and_restore_print_ordered_progress_lines_with_no_eta_before_the_first_interval(LockedBucket bucket) throws IOException {
        Path repo = new BorgRepos(tmp).create(tmp.resolve("repos/big"), 77, 12);
        Path cfg = ConfigFile.forBucket(bucket, tmp.resolve("state")).repo("big", repo).set("upload.maxBandwidth", "3MiB")
                .write(tmp.resolve("agent.yaml"));
        Cli.Result sync = Cli.main("sync", "--config", cfg.toString(), "--progress-every", String.valueOf(EVERY));
        assertThat(sync.exit()).as(sync.both()).isZero();
        List<Line> upload = progressLines(sync.out(), "big upload");
        assertOrdered(upload, sync.both());
        assertThat(sync.out().lines().reduce((a, b) -> b).orElseThrow()).startsWith("big: transaction ");
        assertThat(upload.get(upload.size() - 1).percent()).as(sync.both()).isEqualTo(100);

        try (FaultProxy slow = FaultProxy.to(bucket.server().endpoint()).latency(Duration.ofMillis(250))
                .rule(FaultProxy.Rule.of(FaultProxy.Fault.LATENCY, "GetObject")).start()) {
            Path viaProxy = ConfigFile.forBucket(bucket, tmp.resolve("state2")).repo("big", repo)
                    .set("endpoint", slow.endpoint().toString()).write(tmp.resolve("restore.yaml"));
            Cli.Result restore = Cli.main("restore", "--config", viaProxy.toString(), "--repo", "big", "--target",
                    tmp.resolve("restored").toString(), "--parallel", "1", "--progress-every", String.valueOf(EVERY));
            assertThat(restore.exit()).as(restore.both()).isZero();
            List<Line> lines = progressLines(restore.out(), "restore");
            assertOrdered(lines, restore.both());
            assertThat(lines.get(lines.size() - 1).percent()).as(restore.both()).isEqualTo(100);

            Cli.Result json = Cli.main("restore", "--config", viaProxy.toString(), "--repo", "big", "--target",
                    tmp.resolve("restored-json").toString(), "--parallel", "1", "--json", "--progress-every", String.valueOf(EVERY));
            assertThat(json.exit()).as(json.both()).isZero();
            assertJson(json);
        }
    }

    /** One parsed progress line. */
    private record Line(String text, int percent, double bytes, boolean rate, boolean eta, double elapsed) {
    }

    private static List<Line> progressLines(String out, String label) {
        List<Line> lines = new ArrayList<>();
        for (String l : out.lines().toList()) {
            if (l.startsWith(label + ": ")) {
                Matcher m = LINE.matcher(l);
                assertThat(m.matches()).as("progress line in the documented form: " + l).isTrue();
                lines.add(new Line(l, m.group("pct") == null ? -1 : Integer.parseInt(m.group("pct")), bytes(m.group("bytes")),
                        m.group("rate") != null, m.group("eta") != null, Double.parseDouble(m.group("elapsed"))));
            }
        }
        return lines;
    }

    private static double bytes(String human) {
        String[] p = human.split(" ");
        double v = Double.parseDouble(p[0]);
        return switch (p[1]) {
            case "KiB" -> v * 1024;
            case "MiB" -> v * 1024 * 1024;
            default -> v;
        };
    }

    private static void assertOrdered(List<Line> lines, String output) {
        assertThat(lines).as("several progress lines for a transfer of several intervals:\n" + output).hasSizeGreaterThanOrEqualTo(3);
        assertThat(lines.get(0).elapsed()).as("no progress line before the first interval:\n" + output)
                .isGreaterThanOrEqualTo(EVERY);
        assertThat(lines).as("the rate and ETA appear only once the first interval has measured them:\n" + output)
                .allSatisfy(l -> assertThat(l.eta() || l.rate()).isEqualTo(l.elapsed() >= EVERY && l.bytes() > 0 && l.rate()));
        assertThat(lines.stream().filter(Line::eta).count()).as("lines with an ETA:\n" + output).isPositive();
        for (int i = 1; i < lines.size(); i++) {
            Line a = lines.get(i - 1);
            Line b = lines.get(i);
            assertThat(b.percent()).as("percent in order:\n" + output).isGreaterThanOrEqualTo(a.percent());
            assertThat(b.bytes()).as("bytes in order:\n" + output).isGreaterThanOrEqualTo(a.bytes());
            assertThat(b.elapsed()).as("a line per interval, not per percent:\n" + output).isGreaterThanOrEqualTo(a.elapsed());
        }
        double took = lines.get(lines.size() - 1).elapsed();
        assertThat(lines.size()).as("one line per interval at most (plus the last):\n" + output)
                .isLessThanOrEqualTo((int) (took / EVERY) + 2);
    }

    private static void assertJson(Cli.Result r) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        for (String l : r.out().lines().toList()) {
            objects.add(Json.mapper().readTree(l));
        }
        assertThat(objects).as(r.both()).hasSizeGreaterThanOrEqualTo(3);
        JsonNode result = objects.get(objects.size() - 1);
        assertThat(result.get("restored").asText()).as(r.both()).isEqualTo("big");
        List<JsonNode> progress = objects.subList(0, objects.size() - 1);
        long previous = -1;
        for (JsonNode p : progress) {
            assertThat(p.get("progress").asText()).isEqualTo("restore");
            assertThat(p.get("elapsedSeconds").asDouble()).as(r.both()).isGreaterThanOrEqualTo(EVERY);
            assertThat(p.get("bytes").asLong()).as(r.both()).isGreaterThanOrEqualTo(previous);
            previous = p.get("bytes").asLong();
        }
        assertThat(progress.get(progress.size() - 1).get("bytes").asLong()).isEqualTo(result.get("bytes").asLong());
    }
}
