package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import io.segvault.test.ShiftableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/metrics.md against a real scrape: a daemon that has replicated two commits, skipped offsite segments, seen a
 * tamper event, crossed a retention generation, run a restore drill and a fence audit exports every series the
 * segvault table names (with exactly its tags) and every bound library series the list below it names.
 */
@ExtendWith(LockedBucketExtension.class)
class MetricsDocIT {

    private static final String ED25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern SERIES = Pattern.compile("((?:segvault|resilience4j|cache|jvm|process|system)_[a-z0-9_]*?)"
            + "(?:\\{([a-z0-9,]+)})?(?:\\{([a-z_,]+)})?");

    @TempDir
    Path tmp;

    @Test
    void every_documented_series_is_in_the_scrape_with_its_documented_labels(LockedBucket bucket) throws IOException {
        BorgRepos borg = new BorgRepos(tmp);
        Path repos = tmp.resolve("repos");
        Path alpha = borg.create(repos.resolve("alpha"), 21, 2);
        Path beta = borg.create(repos.resolve("beta"), 22, 2);
        Path keys = tmp.resolve("authorized_keys");
        Files.writeString(keys, "command=\"borg serve --append-only --restrict-to-repository " + alpha + "\",restrict ssh-ed25519 "
                + ED25519 + " client@alpha\n", StandardCharsets.US_ASCII);
        Path cfg = ConfigFile.forBucket(bucket, tmp.resolve("state"))
                .set("glob", repos.resolve("*").toString())
                .set("metrics.address", "127.0.0.1:0")
                .set("follow.rescanInterval", "2s")
                .set("drill.interval", "3s")
                .set("audit.authorizedKeys", List.of(keys.toString()))
                .set("audit.reposDir", repos.toString())
                .write(tmp.resolve("agent.yaml"));
        Map<String, Set<String>> documented = documentedSeries();
        ShiftableClock clock = new ShiftableClock();
        try (RunningDaemon daemon = RunningDaemon.start(cfg, clock)) {
            awaitOffsite(daemon, alpha);
            awaitOffsite(daemon, beta);
            borg.commit(alpha, 21, 2, 2);
            awaitOffsite(daemon, alpha);
            Files.delete(BorgRepos.committedSegments(beta).get(1L));
            clock.shift(Duration.ofHours(1));

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Scrape scrape = daemon.scrape();
                List<String> missing = new ArrayList<>();
                documented.forEach((series, labels) -> {
                    List<Scrape.Sample> samples = scrape.series(series);
                    if (samples.isEmpty()) {
                        missing.add(series);
                    }
                    if (labels != null) {
                        samples.forEach(s -> assertThat(new TreeSet<>(s.labels().keySet())).as("labels of " + s).isEqualTo(labels));
                    }
                });
                assertThat(missing).as("documented series missing from the scrape").isEmpty();
            });
            Scrape scrape = daemon.scrape();
            assertThat(scrape.value("segvault_tamper_events_total", "repo", "beta", "kind", "SEGMENT_VANISHED")).isPresent();
            assertThat(scrape.value("segvault_drill_runs_total", "repo", "alpha", "outcome", "ok")).isPresent();
            assertThat(scrape.value("segvault_upload_skipped_total", "layer", "point")).as("unchanged segments of the second commit").isPresent();
            assertThat(scrape.value("segvault_retention_extensions_total", "outcome", "ok")).isPresent();
        }
    }

    private static void awaitOffsite(RunningDaemon daemon, Path repo) {
        long t = BorgRepos.committed(repo);
        String name = repo.getFileName().toString();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
                daemon.scrape().value("segvault_repo_offsite_transaction", "repo", name)).hasValue(t));
    }

    /**
     * Series name to label names, from docs/metrics.md: the "Prometheus series" and "tags" columns of the segvault table,
     * and the series named in the "Bound library metrics" list (label names where the doc gives them in braces; the
     * doc's wildcard names are left out).
     */
    static Map<String, Set<String>> documentedSeries() throws IOException {
        String doc = Files.readString(Cli.projectRoot().resolve("docs/metrics.md"), StandardCharsets.UTF_8);
        Map<String, Set<String>> out = new LinkedHashMap<>();
        boolean table = false;
        for (String line : doc.lines().toList()) {
            if (line.startsWith("| Micrometer name |")) {
                table = true;
            } else if (table && line.startsWith("| `")) {
                String[] cells = line.split("\\|");
                Set<String> tags = new TreeSet<>(codes(cells[4]));
                codes(cells[2]).forEach(series -> out.put(series, tags));
            } else if (table && !line.startsWith("|")) {
                table = false;
            }
        }
        int ours = out.size();
        assertThat(ours).as("series of the segvault table").isGreaterThan(18);
        String bound = doc.substring(doc.indexOf("## Bound library metrics"), doc.indexOf("## Reading them"));
        for (String code : codes(bound)) {
            Matcher m = SERIES.matcher(code);
            if (!m.matches()) {
                continue;
            }
            Set<String> labels = m.group(3) == null ? null : new TreeSet<>(List.of(m.group(3).split(",")));
            if (m.group(2) != null && m.group(1).endsWith("_")) {
                for (String suffix : m.group(2).split(",")) {
                    out.putIfAbsent(m.group(1) + suffix, labels);
                }
            } else if (m.group(2) == null || m.group(3) == null) {
                out.putIfAbsent(m.group(1), m.group(2) == null ? labels : new TreeSet<>(List.of(m.group(2).split(","))));
            }
        }
        assertThat(out.size() - ours).as("series of the bound library metrics list").isGreaterThan(20);
        return out;
    }

    private static List<String> codes(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = CODE.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
