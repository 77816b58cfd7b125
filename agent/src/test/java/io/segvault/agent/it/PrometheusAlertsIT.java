package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.segvault.test.FaultProxy;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/alerts/segvault-rules.yml evaluated by a real Prometheus that scrapes a running {@code segvault run}: each cause
 * the rules exist for is made real, and each alert is seen pending, then firing, then gone once the cause is gone.
 * <ul>
 *   <li>agent stopped: SegvaultAgentDown, resolved by starting it again on the same port;</li>
 *   <li>S3 down (the agent talks to the S3 server through a {@link FaultProxy} that resets every connection; the shared
 *       server itself keeps running) while a new commit waits: SegvaultRepositoryDown and SegvaultCircuitBreakerOpen,
 *       resolved when the proxy forwards again;</li>
 *   <li>a repository that breaks (its borg config file moved away): SegvaultRepositoryDown, resolved by moving it back;</li>
 *   <li>a tamper event (a sealed segment deleted): SegvaultTamperEvent, resolved when its window has passed without
 *       another event.</li>
 * </ul>
 * The test's copy of the rules has every {@code for:} shortened to 4 s and the counter alerts' 1 h windows to 20 s; the
 * expressions are otherwise the shipped ones.
 */
@ExtendWith(LockedBucketExtension.class)
class PrometheusAlertsIT {

    private static final String PENDING_FOR = "4s";
    private static final Duration POLL = Duration.ofMillis(250);

    @TempDir
    Path tmp;

    @Test
    void every_alert_goes_pending_fires_and_resolves_on_a_real_prometheus(LockedBucket bucket) throws IOException {
        BorgRepos borg = new BorgRepos(tmp);
        Path repos = tmp.resolve("repos");
        Path alpha = borg.create(repos.resolve("alpha"), 31, 1);
        Path beta = borg.create(repos.resolve("beta"), 32, 2);
        int metricsPort = PrometheusServer.freePort();
        Path rules = PrometheusServer.rulesForTest(Cli.projectRoot().resolve("docs/alerts/segvault-rules.yml"), tmp.resolve("prom"),
                PENDING_FOR, Map.of("[1h]", "[20s]", "offset 1h", "offset 20s"));
        try (FaultProxy s3 = FaultProxy.to(bucket.server().endpoint()).start()) {
            Path cfg = ConfigFile.forBucket(bucket, tmp.resolve("state"))
                    .set("endpoint", s3.endpoint().toString())
                    .set("repos", List.of(Map.of("name", "alpha", "path", alpha.toString()),
                            Map.of("name", "beta", "path", beta.toString())))
                    .set("metrics.address", "127.0.0.1:" + metricsPort)
                    .set("follow.rescanInterval", "2s")
                    .write(tmp.resolve("agent.yaml"));
            RunningDaemon daemon = RunningDaemon.start(cfg);
            try (PrometheusServer prom = PrometheusServer.start(tmp.resolve("prom"), metricsPort, rules)) {
                awaitOffsite(prom, alpha);
                awaitOffsite(prom, beta);
                assertThat(active(prom)).as("alerts of a healthy agent").isEmpty();

                daemon.close();
                cycle(prom, "SegvaultAgentDown", Map.of("job", "segvault"));
                daemon = RunningDaemon.start(cfg);
                awaitResolved(prom, "SegvaultAgentDown", Map.of("job", "segvault"));

                s3.down(true);
                borg.commit(alpha, 31, 2, 1);
                cycle(prom, List.of(new Expected("SegvaultRepositoryDown", Map.of("repo", "alpha")),
                        new Expected("SegvaultCircuitBreakerOpen", Map.of())));
                s3.down(false);
                awaitResolved(prom, "SegvaultRepositoryDown", Map.of("repo", "alpha"));
                awaitResolved(prom, "SegvaultCircuitBreakerOpen", Map.of());
                awaitOffsite(prom, alpha);

                Path config = beta.resolve("config");
                Path aside = tmp.resolve("beta-config");
                Files.move(config, aside);
                cycle(prom, "SegvaultRepositoryDown", Map.of("repo", "beta"));
                Files.move(aside, config);
                awaitResolved(prom, "SegvaultRepositoryDown", Map.of("repo", "beta"));

                Files.delete(BorgRepos.committedSegments(beta).get(1L));
                cycle(prom, List.of(new Expected("SegvaultTamperEvent", Map.of("repo", "beta", "kind", "SEGMENT_VANISHED"), false)));
                awaitResolved(prom, "SegvaultTamperEvent", Map.of("repo", "beta"));
            } finally {
                daemon.close();
            }
        }
    }

    /** One alert the test expects, by name and some of its labels; {@code pending}: its rule has a non-zero for:. */
    private record Expected(String name, Map<String, String> labels, boolean pending) {
        Expected(String name, Map<String, String> labels) {
            this(name, labels, true);
        }

        @Override
        public String toString() {
            return name + labels;
        }
    }

    private static void cycle(PrometheusServer prom, String name, Map<String, String> labels) {
        cycle(prom, List.of(new Expected(name, labels)));
    }

    /** Waits until every expected alert fires, each having been seen pending first (watched at once). */
    private static void cycle(PrometheusServer prom, List<Expected> expected) {
        Map<Expected, Set<String>> seen = new java.util.LinkedHashMap<>();
        expected.forEach(e -> seen.put(e, new LinkedHashSet<>()));
        await().atMost(Duration.ofSeconds(120)).pollInterval(POLL).untilAsserted(() -> {
            List<PrometheusServer.Alert> now = prom.alerts();
            expected.forEach(e -> matching(now, e.name(), e.labels()).forEach(a -> seen.get(e).add(a.state())));
            assertThat(seen).as("states seen; alerts now: " + now).allSatisfy((e, states) -> assertThat(states).contains("firing"));
        });
        assertThat(seen).as("pending before firing (for: " + PENDING_FOR + "); at once with for: 0m")
                .allSatisfy((e, states) -> assertThat(states).as(e.toString()).startsWith(e.pending() ? "pending" : "firing"));
    }

    private static void awaitResolved(PrometheusServer prom, String name, Map<String, String> labels) {
        await().atMost(Duration.ofSeconds(150)).pollInterval(POLL).untilAsserted(() ->
                assertThat(matching(prom.alerts(), name, labels)).as(name + labels + " resolved").isEmpty());
    }

    private static List<PrometheusServer.Alert> matching(List<PrometheusServer.Alert> alerts, String name, Map<String, String> labels) {
        return alerts.stream().filter(a -> a.name().equals(name) && a.labels().entrySet().containsAll(labels.entrySet())).toList();
    }

    /** The alerts this test drives, pending or firing. */
    private static List<PrometheusServer.Alert> active(PrometheusServer prom) {
        Set<String> driven = Set.of("SegvaultAgentDown", "SegvaultRepositoryDown", "SegvaultCircuitBreakerOpen", "SegvaultTamperEvent");
        return prom.alerts().stream().filter(a -> driven.contains(a.name())).toList();
    }

    /** Waits until Prometheus has scraped {@code repo}'s committed transaction as its newest restore point. */
    private static void awaitOffsite(PrometheusServer prom, Path repo) {
        long t = BorgRepos.committed(repo);
        String name = repo.getFileName().toString();
        await().atMost(Duration.ofSeconds(120)).pollInterval(POLL).untilAsserted(() ->
                assertThat(prom.query("segvault_repo_offsite_transaction{job=\"segvault\",repo=\"" + name + "\"}"))
                        .as("offsite transaction of " + name + " in Prometheus").isEqualTo((double) t));
    }
}
