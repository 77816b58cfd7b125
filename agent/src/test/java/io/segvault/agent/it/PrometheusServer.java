package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Prometheus (Debian's {@code prometheus} package, {@code /usr/bin/prometheus} or on PATH) for one test: its
 * own data directory, a loopback port, scraping one target as job {@code segvault} every second and evaluating the
 * given rule file every second. {@link #close()} stops it.
 */
public final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FOR = Pattern.compile("(?m)^(\\s+for: )(?!0m\\b)\\S+$");

    private final Process process;
    private final int port;
    private final Path log;

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** One alert as /api/v1/alerts lists it. */
    public record Alert(String name, Map<String, String> labels, String state) {
    }

    /**
     * A copy of the rule file with every non-zero {@code for:} set to {@code pending}, and the given text replacements
     * (e.g. a counter alert's {@code [1h]} window made shorter), so that alerts meant for minutes or hours resolve in a
     * test. Fails when a replacement finds nothing (the rule file changed).
     */
    public static Path rulesForTest(Path rules, Path dir, String pending, Map<String, String> replacements) {
        try {
            String text = Files.readString(rules, StandardCharsets.UTF_8);
            Matcher m = FOR.matcher(text);
            assertThat(m.find()).as("for: durations in " + rules).isTrue();
            text = m.replaceAll("$1" + pending);
            for (Map.Entry<String, String> r : replacements.entrySet()) {
                assertThat(text).as(rules + " no longer contains " + r.getKey()).contains(r.getKey());
                text = text.replace(r.getKey(), r.getValue());
            }
            return Files.writeString(Files.createDirectories(dir).resolve("rules.yml"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts Prometheus in {@code dir} scraping 127.0.0.1:{@code targetPort}; waits until it is ready. */
    public static PrometheusServer start(Path dir, int targetPort, Path rules) {
        Path binary = binary();
        int port = freePort();
        try {
            Files.createDirectories(dir);
            Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                      evaluation_interval: 1s
                    rule_files:
                      - %s
                    scrape_configs:
                      - job_name: segvault
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(rules, targetPort));
            Path log = dir.resolve("prometheus.log");
            Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.retention.time=1h")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            PrometheusServer server = new PrometheusServer(p, port, log);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(UncheckedIOException.class).untilAsserted(() -> { // refused until it listens
                assertThat(p.isAlive()).as("prometheus exited:\n" + server.log()).isTrue();
                assertThat(server.get("/-/ready").status()).isEqualTo(200);
            });
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
    }

    private static Path binary() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "prometheus");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError("prometheus is not installed (Debian package 'prometheus'; scripts/test.sh installs it)");
    }

    /** A port that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Http.Response get(String path) {
        return Http.get(port, path);
    }

    /** Every alert Prometheus has pending or firing now. */
    public List<Alert> alerts() {
        JsonNode root = json("/api/v1/alerts");
        List<Alert> out = new ArrayList<>();
        for (JsonNode a : root.path("data").path("alerts")) {
            Map<String, String> labels = new TreeMap<>();
            a.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            out.add(new Alert(labels.get("alertname"), labels, a.path("state").asText()));
        }
        return out;
    }

    /** The value of an instant query with one result, or null when it has none. */
    public Double query(String promql) {
        JsonNode result = json("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("data").path("result");
        return result.isEmpty() ? null : result.get(0).path("value").get(1).asDouble();
    }

    /** The raw JSON of an API GET that must answer status success. */
    public JsonNode json(String pathAndQuery) {
        Http.Response r = get(pathAndQuery);
        try {
            JsonNode root = JSON.readTree(r.body());
            assertThat(root.path("status").asText()).as("GET " + pathAndQuery + ": " + r.body()).isEqualTo("success");
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON from " + pathAndQuery + ": " + r.body(), e);
        }
    }

    public int port() {
        return port;
    }

    /** Prometheus's own output so far (for failure messages). */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
