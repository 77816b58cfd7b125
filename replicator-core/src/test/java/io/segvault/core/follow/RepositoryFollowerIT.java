package io.segvault.core.follow;

import io.segvault.core.util.Threads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.segvault.core.borg.BorgRepository;
import io.segvault.core.follow.RepositoryFollower.Trigger;
import io.segvault.test.BorgFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The follower against real borg commits. */
class RepositoryFollowerIT {

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryFollowerIT.class);

    @TempDir
    Path tmp;

    private BorgFixture borg;
    private Path src;
    private RepositoryFollower follower;

    @BeforeEach
    void setUp() {
        borg = new BorgFixture(tmp.resolve("client"));
        src = tmp.resolve("src");
        BorgFixture.generateData(src, 3, 1, 2);
    }

    @AfterEach
    void stop() {
        if (follower != null) {
            follower.close();
        }
    }

    /** Records, in every call, the committed transaction the repository has at that moment. */
    private static RecordingListener listener() {
        return new RecordingListener(repo -> BorgRepository.open(repo).committedTransaction().orElse(-1));
    }

    private Path repo(String name) {
        Path repo = tmp.resolve(name).toAbsolutePath();
        borg.init(repo, "repokey-blake2");
        return repo;
    }

    /** The first call that saw transaction {@code t}. */
    private static RecordingListener.Call firstSeeing(RecordingListener listener, Path repo, long t) {
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.calls().stream()
                .anyMatch(c -> c.repo().equals(repo) && Long.valueOf(t).equals(c.observed())));
        return listener.calls().stream().filter(c -> c.repo().equals(repo) && Long.valueOf(t).equals(c.observed()))
                .findFirst().orElseThrow();
    }

    /** When index.T got its content: its modification time, at or before the moment borg renamed it into place. */
    private static Instant indexWritten(Path repo, long t) throws IOException {
        return Files.getLastModifiedTime(repo.resolve("index." + t)).toInstant();
    }

    @Test
    void a_borg_commit_is_seen_within_one_second_through_events() throws IOException {
        Path repo = repo("repo");
        RecordingListener listener = listener();
        follower = new RepositoryFollower(new FollowerConfig(List.of(repo), List.of(), Duration.ofHours(1), true,
                Duration.ofMillis(100)), listener, Clock.systemUTC());
        follower.start(Threads.POOLS);
        for (int i = 1; i <= 2; i++) {
            borg.create(repo, "a" + i, src);
            long t = BorgRepository.open(repo).committedTransaction().orElseThrow();
            RecordingListener.Call call = firstSeeing(listener, repo, t);
            Duration latency = Duration.between(indexWritten(repo, t), call.at());
            LOG.info("commit {} written to notification: {} ms", t, latency.toMillis());
            assertThat(call.trigger()).isEqualTo(Trigger.EVENT);
            assertThat(latency).as("commit %d to notification", t).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void without_events_a_commit_is_seen_within_one_rescan_interval() throws IOException {
        Path repo = repo("repo");
        Duration interval = Duration.ofSeconds(2);
        RecordingListener listener = listener();
        follower = new RepositoryFollower(new FollowerConfig(List.of(repo), List.of(), interval, false,
                Duration.ofMillis(100)), listener, Clock.systemUTC());
        follower.start(Threads.POOLS);
        borg.create(repo, "a1", src);
        long t = BorgRepository.open(repo).committedTransaction().orElseThrow();
        RecordingListener.Call call = firstSeeing(listener, repo, t);
        Duration latency = Duration.between(indexWritten(repo, t), call.at());
        LOG.info("commit {} written to rescan notification: {} ms (interval {})", t, latency.toMillis(), interval);
        assertThat(call.trigger()).isEqualTo(Trigger.RESCAN);
        assertThat(latency).isLessThanOrEqualTo(interval.plusMillis(500));
        assertThat(listener.calls()).extracting(RecordingListener.Call::trigger).doesNotContain(Trigger.EVENT);
    }

    @Test
    void a_repository_initialised_after_start_is_picked_up_and_followed() throws IOException {
        Path parent = Files.createDirectories(tmp.resolve("repos"));
        repo("repos/existing");
        RecordingListener listener = listener();
        follower = new RepositoryFollower(new FollowerConfig(List.of(), List.of(parent + "/*"), Duration.ofHours(1), true,
                Duration.ofMillis(100)), listener, Clock.systemUTC());
        follower.start(Threads.POOLS);
        assertThat(follower.repositories()).containsExactly(parent.resolve("existing").toAbsolutePath());
        Path late = repo("repos/late");
        await().atMost(Duration.ofSeconds(10)).until(listener.counter(late, Trigger.DISCOVERED), c -> c == 1);
        borg.create(late, "a1", src);
        long t = BorgRepository.open(late).committedTransaction().orElseThrow();
        assertThat(firstSeeing(listener, late, t).trigger()).isEqualTo(Trigger.EVENT);
        assertThat(follower.repositories()).hasSize(2);
    }
}
