package io.segvault.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.segvault.agent.it.BorgRepos;
import io.segvault.agent.it.ConfigFile;
import io.segvault.agent.it.Http;
import io.segvault.agent.it.RunningDaemon;
import io.segvault.agent.it.Scrape;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 server really goes away for 60 s in the middle of replication (the local Ceph RADOS Gateway is
 * stopped, then started again): the circuit breaker opens, the daemon stays up and says so on /metrics and
 * /readyz, and replication completes after the server returns without anyone doing anything.
 */
@ExtendWith(LockedBucketExtension.class)
class S3OutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void an_outage_opens_the_circuit_and_replication_resumes_by_itself(LockedBucket bucket) throws Exception {
        Path script = Path.of("..", "scripts", "s3-server.sh").toAbsolutePath().normalize();
        assertThat(script).as("the outage is made by stopping the local gateway with scripts/s3-server.sh").exists();
        assertThat(bucket.server().endpoint().getPort()).as("this test stops the local Ceph gateway started by "
                + "scripts/s3-server.sh (scripts/test.sh); it cannot stop another S3 server").isEqualTo(gatewayPort());
        BorgRepos borg = new BorgRepos(tmp);
        Path repos = tmp.resolve("repos");
        Path alpha = borg.create(repos.resolve("alpha"), 21, 1);
        Path cfg = ConfigFile.forBucket(bucket, tmp.resolve("state"))
                .set("glob", repos.resolve("*").toString())
                .set("metrics.address", "127.0.0.1:0")
                .set("follow.rescanInterval", "2s")
                .write(tmp.resolve("agent.yaml"));
        try (RunningDaemon daemon = RunningDaemon.start(cfg)) {
            int port = daemon.port();
            long first = BorgRepos.committed(alpha);
            awaitOffsite(port, first, Duration.ofSeconds(90));

            long outageStart = System.nanoTime();
            gateway("gateway-stop");
            try {
                long during = borg.commit(alpha, 21, 2, 1);
                assertThat(during).isGreaterThan(first);
                await().atMost(OUTAGE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    Scrape s = Scrape.of(port);
                    assertThat(s.value("resilience4j_circuitbreaker_state", "state", "open").orElse(0)).as("circuit open")
                            .isEqualTo(1.0);
                    assertThat(s.value("segvault_repo_up", "repo", "alpha").orElse(-1)).as("repo up").isZero();
                    assertThat(Http.get(port, "/readyz").status()).isEqualTo(503);
                });
                assertThat(Http.get(port, "/healthz").status()).as("the daemon stays up").isEqualTo(200);
                await().atMost(OUTAGE.plusSeconds(5)).until(() ->
                        System.nanoTime() - outageStart >= OUTAGE.toNanos());
                assertThat(Scrape.of(port).value("segvault_repo_offsite_transaction", "repo", "alpha").orElse(-1))
                        .as("nothing could go offsite during the outage").isEqualTo(first);
            } finally {
                gateway("gateway-start");
            }
            long after = BorgRepos.committed(alpha);
            awaitOffsite(port, after, Duration.ofSeconds(120));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(Http.get(port, "/readyz").status()).isEqualTo(200);
                assertThat(Scrape.of(port).value("resilience4j_circuitbreaker_state", "state", "closed").orElse(0)).isEqualTo(1.0);
            });
        }
    }

    private static void awaitOffsite(int port, long t, Duration limit) {
        await().atMost(limit).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Scrape s = Scrape.of(port);
            assertThat(s.value("segvault_repo_offsite_transaction", "repo", "alpha").orElse(-1)).isEqualTo((double) t);
            assertThat(s.value("segvault_repo_pending_segments", "repo", "alpha").orElse(-1)).isZero();
        });
    }

    private static int gatewayPort() {
        String port = System.getenv("SEGVAULT_RGW_PORT");
        return port == null ? 7480 : Integer.parseInt(port);
    }

    private static void gateway(String action) throws IOException, InterruptedException {
        Path script = Path.of("..", "scripts", "s3-server.sh").toAbsolutePath().normalize();
        Path log = Files.createTempFile("s3-server-", ".log");
        Process p = new ProcessBuilder("bash", script.toString(), action).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as(action + " finished").isTrue();
        assertThat(p.exitValue()).as(action + ": " + Files.readString(log)).isZero();
    }
}
