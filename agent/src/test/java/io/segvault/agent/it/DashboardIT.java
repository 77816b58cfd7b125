package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segvault.test.FaultProxy;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
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
 * docs/grafana/segvault.json against what a running agent really exports: every metric a panel query names is in a
 * scrape of {@code segvault run}, every label the query matches or groups by is a label of that metric, every exact
 * label value it matches occurs; and every query, with the dashboard's variables filled in, answers with data on a
 * real Prometheus scraping that agent. The agent has replicated two repositories, failed a pass while S3 was unreachable
 * (a {@link FaultProxy} in front of it), seen a tamper event and run a fence audit, so every panel has something to show.
 */
@ExtendWith(LockedBucketExtension.class)
class DashboardIT {

    private static final String ED25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    private static final Pattern SELECTOR = Pattern.compile("(?<![a-zA-Z0-9_:])([a-zA-Z_:][a-zA-Z0-9_:]*+)\\s*+(?:\\{([^}]*)})?+(?!\\s*\\()");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    private static final Set<String> WORDS = Set.of("sum", "by", "without", "rate", "increase", "max", "min", "avg", "time",
            "and", "or", "unless", "on", "ignoring", "offset", "count");
    /** Labels Prometheus adds to every scraped series. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    @TempDir
    Path tmp;

    /** One panel query: its panel title and PromQL. */
    record Query(String panel, String expr) {
    }

    static List<Query> queries(JsonNode dashboard) {
        List<Query> out = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("datasource").path("uid").asText()).as("datasource of " + panel.path("title")).isEqualTo("${datasource}");
            for (JsonNode t : panel.path("targets")) {
                assertThat(t.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
                out.add(new Query(panel.path("title").asText(), t.path("expr").asText()));
            }
        }
        return out;
    }

    static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(Files.readString(Cli.projectRoot().resolve("docs/grafana/segvault.json"), StandardCharsets.UTF_8));
    }

    /** Metric name to the label matchers written on it (label, operator, value). */
    static Map<String, List<String[]>> selectors(String expr) {
        String plain = GROUPING.matcher(expr.replaceAll("\\[[^]]*]", "")).replaceAll("");
        Map<String, List<String[]>> out = new LinkedHashMap<>();
        Matcher m = SELECTOR.matcher(plain);
        while (m.find()) {
            String name = m.group(1);
            if (WORDS.contains(name) || name.matches("\\d.*")) {
                continue;
            }
            List<String[]> matchers = out.computeIfAbsent(name, k -> new ArrayList<>());
            if (m.group(2) != null) {
                Matcher lm = MATCHER.matcher(m.group(2));
                while (lm.find()) {
                    matchers.add(new String[] {lm.group(1), lm.group(2), lm.group(3)});
                }
            }
        }
        return out;
    }

    static Set<String> grouping(String expr) {
        Set<String> out = new TreeSet<>();
        Matcher m = GROUPING.matcher(expr);
        while (m.find()) {
            for (String l : m.group(1).split(",")) {
                out.add(l.trim());
            }
        }
        return out;
    }

    /** The query as Grafana sends it with every repository selected. */
    static String filled(String expr) {
        return expr.replace("$__rate_interval", "1m").replace("$repo", ".*").replace("$job", "segvault");
    }

    @Test
    void every_dashboard_query_names_exported_metrics_and_labels_and_answers_on_prometheus(LockedBucket bucket) throws IOException {
        JsonNode dashboard = dashboard();
        assertThat(dashboard.path("templating").path("list").findValuesAsText("type")).contains("datasource");
        List<Query> queries = queries(dashboard);
        assertThat(queries).hasSizeGreaterThanOrEqualTo(12);

        BorgRepos borg = new BorgRepos(tmp);
        Path repos = tmp.resolve("repos");
        Path alpha = borg.create(repos.resolve("alpha"), 41, 2);
        Path beta = borg.create(repos.resolve("beta"), 42, 2);
        Path keys = Files.writeString(tmp.resolve("authorized_keys"), "ssh-ed25519 " + ED25519 + " unfenced@client\n");
        int metricsPort = PrometheusServer.freePort();
        Path rules = PrometheusServer.rulesForTest(Cli.projectRoot().resolve("docs/alerts/segvault-rules.yml"), tmp.resolve("prom"),
                "1m", Map.of());
        try (FaultProxy s3 = FaultProxy.to(bucket.server().endpoint()).start();
             RunningDaemon daemon = RunningDaemon.start(ConfigFile.forBucket(bucket, tmp.resolve("state"))
                     .set("endpoint", s3.endpoint().toString())
                     .set("glob", repos.resolve("*").toString())
                     .set("metrics.address", "127.0.0.1:" + metricsPort)
                     .set("follow.rescanInterval", "2s")
                     .set("audit.authorizedKeys", List.of(keys.toString()))
                     .set("audit.reposDir", repos.toString())
                     .write(tmp.resolve("agent.yaml")));
             PrometheusServer prom = PrometheusServer.start(tmp.resolve("prom"), metricsPort, rules)) {
            awaitOffsite(daemon, alpha);
            awaitOffsite(daemon, beta);
            s3.down(true); // a failed pass, for the failure panels
            borg.commit(alpha, 41, 2, 2);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(daemon.scrape().value("segvault_sync_runs_total", "repo", "alpha", "outcome", "error")).isPresent());
            s3.down(false);
            awaitOffsite(daemon, alpha);
            Files.delete(BorgRepos.committedSegments(beta).get(1L));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(daemon.scrape().value("segvault_tamper_events_total", "repo", "beta")).isPresent());
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(daemon.scrape().value("segvault_audit_findings", "severity", "critical")).isPresent());

            Scrape scrape = daemon.scrape();
            for (Query q : queries) {
                checkAgainstScrape(q, scrape);
            }
            assertThat(prom.json("/api/v1/label/repo/values?match[]=segvault_repo_up").path("data").toString())
                    .as("the repo variable's values").contains("alpha").contains("beta");
            for (Query q : queries) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        assertThat(prom.json("/api/v1/query?query=" + java.net.URLEncoder.encode(filled(q.expr()),
                                StandardCharsets.UTF_8)).path("data").path("result"))
                                .as(q.panel() + ": " + filled(q.expr()) + " has data on Prometheus").isNotEmpty());
            }
            String render = System.getenv("SEGVAULT_RENDER_DASHBOARD");
            if (render != null) {
                renderPicture(prom, Path.of(render));
            }
        }
    }

    private static void checkAgainstScrape(Query q, Scrape scrape) {
        Map<String, List<String[]>> selectors = selectors(q.expr());
        assertThat(selectors).as("metrics in " + q).isNotEmpty();
        Set<String> labelsOfQuery = new TreeSet<>(TARGET_LABELS);
        selectors.forEach((metric, matchers) -> {
            if (metric.equals("up")) {
                return; // Prometheus's own series for the scrape target
            }
            List<Scrape.Sample> samples = scrape.series(metric);
            assertThat(samples).as(q.panel() + ": metric " + metric + " in the agent's scrape").isNotEmpty();
            Set<String> labels = new TreeSet<>(TARGET_LABELS);
            samples.forEach(s -> labels.addAll(s.labels().keySet()));
            labelsOfQuery.addAll(labels);
            for (String[] m : matchers) {
                assertThat(labels).as(q.panel() + ": label " + m[0] + " of " + metric).contains(m[0]);
                if (TARGET_LABELS.contains(m[0]) || m[1].startsWith("!")) {
                    continue;
                }
                String value = filled(m[2]);
                Pattern p = Pattern.compile(m[1].equals("=") ? Pattern.quote(value) : value);
                assertThat(samples).as(q.panel() + ": " + metric + "{" + m[0] + m[1] + "\"" + m[2] + "\"} matches a sample")
                        .anySatisfy(s -> assertThat(p.matcher(s.labels().getOrDefault(m[0], "")).matches()).isTrue());
            }
        });
        assertThat(labelsOfQuery).as(q.panel() + ": labels grouped by in " + q.expr()).containsAll(grouping(q.expr()));
    }

    private static void renderPicture(PrometheusServer prom, Path png) {
        Path script = Cli.projectRoot().resolve("docs/grafana/render.py");
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), "http://127.0.0.1:" + prom.port(), png.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("render.py: " + out).isZero();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitOffsite(RunningDaemon daemon, Path repo) {
        long t = BorgRepos.committed(repo);
        String name = repo.getFileName().toString();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
                daemon.scrape().value("segvault_repo_offsite_transaction", "repo", name)).hasValue(t));
    }
}
