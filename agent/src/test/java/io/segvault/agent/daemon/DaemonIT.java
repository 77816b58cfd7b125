package io.segvault.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segvault.agent.it.BorgRepos;
import io.segvault.agent.it.Cli;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon in this JVM against real borg repositories and the real bucket: every commit is offsite within 10 s
 * (metrics and {@code segvault status} say so), a repository that becomes unreadable is named by /readyz, its
 * {@code segvault_repo_up} and {@code status} while the others go on, and a second agent on the same state
 * directory is refused.
 */
@ExtendWith(LockedBucketExtension.class)
class DaemonIT {

    private static final Duration COMMIT_TO_OFFSITE = Duration.ofSeconds(10);
    private static final Duration FIRST_PASS = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path config(LockedBucket bucket, Path repos) {
        return ConfigFile.forBucket(bucket, tmp.resolve("state"))
                .set("glob", repos.resolve("*").toString())
                .set("metrics.address", "127.0.0.1:0")
                .set("follow.rescanInterval", "2s")
                .set("follow.debounce", "200ms")
                .write(tmp.resolve("agent.yaml"));
    }

    @Test
    void each_commit_is_offsite_within_ten_seconds_and_a_repository_that_breaks_is_named_while_the_others_go_on(
            LockedBucket bucket) throws IOException {
        BorgRepos borg = new BorgRepos(tmp);
        Path repos = tmp.resolve("repos");
        Path alpha = borg.create(repos.resolve("alpha"), 1, 1);
        Path beta = borg.create(repos.resolve("beta"), 2, 1);
        Path gamma = borg.create(repos.resolve("gamma"), 3, 1);
        Path cfg = config(bucket, repos);
        try (RunningDaemon daemon = RunningDaemon.start(cfg)) {
            int port = daemon.port();
            for (Path repo : new Path[] {alpha, beta, gamma}) {
                awaitOffsite(port, repo, BorgRepos.committed(repo), FIRST_PASS);
            }
            assertThat(Http.get(port, "/readyz").status()).isEqualTo(200);

            Files.writeString(gamma.resolve("config"), "this is no longer a borg repository config\n");
            long alphaT = borg.commit(alpha, 1, 2, 1);
            awaitOffsite(port, alpha, alphaT, COMMIT_TO_OFFSITE);
            assertStatusAgrees(cfg, "alpha", alphaT);
            long betaT = borg.commit(beta, 2, 2, 1);
            awaitOffsite(port, beta, betaT, COMMIT_TO_OFFSITE);
            assertStatusAgrees(cfg, "beta", betaT);

            String gammaConfig = gamma.resolve("config").toString();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Http.Response ready = Http.get(port, "/readyz");
                assertThat(ready.status()).as(ready.body()).isEqualTo(503);
                assertThat(ready.body()).contains("gamma: ").contains(gammaConfig).doesNotContain("alpha").doesNotContain("beta");
                assertThat(gauge(Scrape.of(port), "segvault_repo_up", "gamma")).isZero();
            });
            Scrape scrape = Scrape.of(port);
            assertThat(gauge(scrape, "segvault_repo_up", "alpha")).isEqualTo(1);
            assertThat(gauge(scrape, "segvault_repo_up", "beta")).isEqualTo(1);

            Cli.Result status = Cli.main("status", "--config", cfg.toString(), "--json");
            assertThat(status.exit()).as(status.both()).isEqualTo(3);
            JsonNode g = repo(status, "gamma");
            assertThat(g.get("problem").asText()).contains(gammaConfig).contains("not a Borg repository config");
            assertThat(g.get("lastPassOk").asBoolean()).isFalse();
            assertThat(g.get("lastPassMessage").asText()).contains(gammaConfig);

            long alphaAgain = borg.commit(alpha, 1, 3, 1);
            awaitOffsite(port, alpha, alphaAgain, COMMIT_TO_OFFSITE);
        }
    }

    @Test
    void repositories_unreadable_from_the_start_are_named_not_ignored(LockedBucket bucket) throws IOException {
        BorgRepos borg = new BorgRepos(tmp);
        Path repos = tmp.resolve("repos");
        Path alpha = borg.create(repos.resolve("alpha"), 5, 1);
        Path gamma = borg.create(repos.resolve("gamma"), 6, 1);
        Files.writeString(gamma.resolve("config"), "[repository]\nversion = 2\n");
        Path lost = tmp.resolve("lost");
        Path cfg = ConfigFile.forBucket(bucket, tmp.resolve("state"))
                .set("glob", repos.resolve("*").toString())
                .set("repos", java.util.List.of(Map.of("name", "lost", "path", lost.toString())))
                .set("metrics.address", "127.0.0.1:0")
                .write(tmp.resolve("agent.yaml"));
        try (RunningDaemon daemon = RunningDaemon.start(cfg)) {
            int port = daemon.port();
            awaitOffsite(port, alpha, BorgRepos.committed(alpha), FIRST_PASS);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Http.Response ready = Http.get(port, "/readyz");
                assertThat(ready.status()).as(ready.body()).isEqualTo(503);
                assertThat(ready.body()).contains("gamma: " + gamma.resolve("config") + ": Borg 2 repository")
                        .contains("lost: " + lost + ": repository directory does not exist").doesNotContain("alpha");
                Scrape s = Scrape.of(port);
                assertThat(gauge(s, "segvault_repo_up", "gamma")).isZero();
                assertThat(gauge(s, "segvault_repo_up", "lost")).isZero();
                assertThat(gauge(s, "segvault_repo_up", "alpha")).isEqualTo(1);
            });
            assertThat(Files.exists(lost)).as("the agent creates nothing").isFalse();
        }
    }

    @Test
    void a_second_agent_on_the_same_state_directory_is_refused_and_the_first_goes_on(LockedBucket bucket) {
        BorgRepos borg = new BorgRepos(tmp);
        Path repos = tmp.resolve("repos");
        Path alpha = borg.create(repos.resolve("alpha"), 4, 1);
        Path cfg = config(bucket, repos);
        try (RunningDaemon daemon = RunningDaemon.start(cfg)) {
            int port = daemon.port();
            awaitOffsite(port, alpha, BorgRepos.committed(alpha), FIRST_PASS);
            String locked = "another segvault (daemon or sync) is running with state directory " + tmp.resolve("state");

            Cli.Result second = Cli.process(tmp.resolve("second"), Map.of(), Duration.ofSeconds(60), "run", "--config", cfg.toString());
            assertThat(second.exit()).as(second.both()).isEqualTo(2);
            assertThat(second.err()).contains("segvault run: error: " + locked).contains("agent.lock");

            Cli.Result sync = Cli.main("sync", "--config", cfg.toString());
            assertThat(sync.exit()).as(sync.both()).isEqualTo(2);
            assertThat(sync.err()).contains("segvault sync: error: " + locked);

            assertThat(Http.get(port, "/healthz").status()).isEqualTo(200);
            long t = borg.commit(alpha, 4, 2, 1);
            awaitOffsite(port, alpha, t, COMMIT_TO_OFFSITE);
        }
    }

    /** Waits until /metrics shows {@code t} as the newest point of {@code repo}, with nothing pending. */
    private static void awaitOffsite(int port, Path repo, long t, Duration limit) {
        String name = repo.getFileName().toString();
        long start = System.nanoTime();
        await().atMost(limit).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Scrape s = Scrape.of(port);
            assertThat(gauge(s, "segvault_repo_offsite_transaction", name)).as(name + " offsite").isEqualTo(t);
            assertThat(gauge(s, "segvault_repo_committed_transaction", name)).as(name + " committed").isEqualTo(t);
            assertThat(gauge(s, "segvault_repo_pending_segments", name)).as(name + " pending segments").isZero();
            assertThat(gauge(s, "segvault_repo_pending_bytes", name)).as(name + " pending bytes").isZero();
        });
        if (limit.equals(COMMIT_TO_OFFSITE)) {
            System.out.printf("%s transaction %d offsite on /metrics %d ms after the commit%n", name, t,
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    private static long gauge(Scrape s, String name, String repo) {
        return (long) s.value(name, "repo", repo).orElseThrow(() -> new AssertionError("no " + name + "{repo=\"" + repo + "\"}"));
    }

    private static void assertStatusAgrees(Path cfg, String name, long t) {
        Cli.Result status = Cli.main("status", "--config", cfg.toString(), "--json");
        JsonNode r = repo(status, name);
        assertThat(r.get("committed").asLong()).as(status.both()).isEqualTo(t);
        assertThat(r.get("offsite").asLong()).as(status.both()).isEqualTo(t);
        assertThat(r.get("pendingSegments").asInt()).isZero();
        assertThat(r.get("lagSeconds").asLong()).isZero();
        assertThat(r.get("lastPassOk").asBoolean()).isTrue();
        assertThat(r.get("problem").isNull()).isTrue();
    }

    private static JsonNode repo(Cli.Result status, String name) {
        try {
            for (JsonNode r : JSON.readTree(status.out())) {
                if (r.get("repo").asText().equals(name)) {
                    return r;
                }
            }
        } catch (IOException e) {
            throw new AssertionError("status --json printed no JSON: " + status.both(), e);
        }
        throw new AssertionError("status --json has no repository " + name + ": " + status.both());
    }
}
