package io.segvault.core.follow;

import io.segvault.core.util.Threads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.segvault.core.borg.FakeRepo;
import io.segvault.core.follow.RepositoryFollower.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryFollowerTest {

    private static final Duration LONG = Duration.ofHours(1);

    @TempDir
    Path tmp;

    private RepositoryFollower follower;

    @AfterEach
    void stop() {
        if (follower != null) {
            follower.close();
        }
    }

    private Path repo(String name) {
        return FakeRepo.create(tmp.resolve(name), 1000).dir().toAbsolutePath();
    }

    private RepositoryFollower start(FollowerConfig config, RepositoryFollower.Listener listener) {
        follower = new RepositoryFollower(config, listener, Clock.systemUTC());
        follower.start(Threads.POOLS);
        return follower;
    }

    /** Does what borg does at the end of a commit: write index.N.tmp, rename it to index.N. */
    private static void commitIndex(Path repo, long n) throws IOException {
        Path tmp = Files.write(repo.resolve("index." + n + ".tmp"), new byte[] {1, 2, 3});
        Files.move(tmp, repo.resolve("index." + n), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void repositories_from_the_list_and_globs_are_discovered_at_start() throws IOException {
        Path listed = repo("listed");
        Path globbed = repo("repos/one");
        Files.createDirectories(tmp.resolve("repos/not-a-repo"));
        RecordingListener listener = new RecordingListener();
        start(new FollowerConfig(List.of(listed, tmp.resolve("missing")), List.of(tmp + "/repos/*"), LONG, true,
                Duration.ofMillis(50)), listener);
        assertThat(follower.repositories()).containsExactlyInAnyOrder(listed, globbed);
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.calls().size() == 2);
        assertThat(listener.calls()).extracting(RecordingListener.Call::trigger).containsOnly(Trigger.DISCOVERED);
        assertThat(listener.calls()).extracting(RecordingListener.Call::thread).containsOnly("segvault-follow-notify-1");
    }

    @Test
    void index_rename_fires_one_event_after_the_debounce_and_bursts_coalesce() throws IOException {
        Path repo = repo("repo");
        RecordingListener listener = new RecordingListener();
        start(new FollowerConfig(List.of(repo), List.of(), LONG, true, Duration.ofMillis(300)), listener);
        Files.writeString(repo.resolve("nonce"), "0000000000000001");
        Files.createDirectories(repo.resolve("lock.exclusive"));
        Instant before = Instant.now();
        for (int n = 2; n <= 6; n++) {
            commitIndex(repo, n);
        }
        await().atMost(Duration.ofSeconds(10)).until(listener.counter(repo, Trigger.EVENT), c -> c >= 1);
        RecordingListener.Call first = listener.calls().stream().filter(c -> c.trigger() == Trigger.EVENT).findFirst()
                .orElseThrow();
        assertThat(Duration.between(before, first.at())).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                .until(listener.counter(repo, Trigger.EVENT), c -> c <= 2);
        assertThat(listener.count(repo, Trigger.EVENT)).as("five commits in one burst").isLessThan(5);
    }

    @Test
    void other_files_do_not_fire_events() throws IOException {
        Path repo = repo("repo");
        RecordingListener listener = new RecordingListener();
        start(new FollowerConfig(List.of(repo), List.of(), LONG, true, Duration.ZERO), listener);
        Files.writeString(repo.resolve("nonce"), "1");
        Files.writeString(repo.resolve("hints.3"), "1");
        Files.writeString(repo.resolve("index.3.tmp"), "1");
        Files.createDirectories(repo.resolve("data/0"));
        commitIndex(repo, 4);
        await().atMost(Duration.ofSeconds(10)).until(listener.counter(repo, Trigger.EVENT), c -> c == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                .until(listener.counter(repo, Trigger.EVENT), c -> c == 1);
    }

    @Test
    void rescan_fires_for_every_repository_without_events() {
        Path a = repo("a");
        Path b = repo("b");
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
        RecordingListener listener = new RecordingListener();
        follower = new RepositoryFollower(new FollowerConfig(List.of(a, b), List.of(), Duration.ofMillis(200), false,
                Duration.ZERO), listener, clock);
        follower.start(Threads.POOLS);
        assertThat(follower.lastRescan()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.count(a, Trigger.RESCAN) >= 2
                && listener.count(b, Trigger.RESCAN) >= 2);
        assertThat(follower.lastRescan()).hasValue(clock.instant());
        assertThat(listener.count(a, Trigger.EVENT)).isZero();
    }

    @Test
    void repository_created_after_start_is_discovered_by_event() throws IOException {
        Files.createDirectories(tmp.resolve("repos"));
        RecordingListener listener = new RecordingListener();
        start(new FollowerConfig(List.of(), List.of(tmp + "/repos/*"), LONG, true, Duration.ofMillis(50)), listener);
        assertThat(follower.repositories()).isEmpty();
        // like borg init: the directory first, its config a moment later
        Path repo = Files.createDirectories(tmp.resolve("repos/late")).toAbsolutePath();
        FakeRepo.create(repo, 1000);
        await().atMost(Duration.ofSeconds(10)).until(listener.counter(repo, Trigger.DISCOVERED), c -> c == 1);
        commitIndex(repo, 1);
        await().atMost(Duration.ofSeconds(10)).until(listener.counter(repo, Trigger.EVENT), c -> c == 1);
        assertThat(follower.repositories()).containsExactly(repo);
    }

    @Test
    void repository_created_after_start_is_discovered_by_rescan_without_events() {
        RecordingListener listener = new RecordingListener();
        start(new FollowerConfig(List.of(), List.of(tmp + "/repos/*"), Duration.ofMillis(200), false, Duration.ZERO),
                listener);
        Path repo = repo("repos/late");
        await().atMost(Duration.ofSeconds(10)).until(listener.counter(repo, Trigger.DISCOVERED), c -> c == 1);
        await().atMost(Duration.ofSeconds(10)).until(listener.counter(repo, Trigger.RESCAN), c -> c >= 1);
    }

    @Test
    void removed_repository_is_forgotten_at_the_next_rescan() throws IOException {
        Path repo = repo("repos/gone");
        start(new FollowerConfig(List.of(), List.of(tmp + "/repos/*"), Duration.ofMillis(200), true, Duration.ZERO),
                new RecordingListener());
        assertThat(follower.repositories()).containsExactly(repo);
        Files.move(repo, tmp.resolve("moved-away"));
        await().atMost(Duration.ofSeconds(10)).until(() -> follower.repositories().isEmpty());
    }

    @Test
    void listener_exceptions_do_not_stop_the_follower() throws IOException {
        Path repo = repo("repo");
        AtomicInteger calls = new AtomicInteger();
        start(new FollowerConfig(List.of(repo), List.of(), Duration.ofMillis(200), true, Duration.ZERO), (r, t) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener broken on purpose");
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 3);
        int before = calls.get();
        commitIndex(repo, 9);
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > before);
    }

    @Test
    void threads_are_named_daemons_and_close_stops_them() {
        Path repo = repo("repo");
        start(new FollowerConfig(List.of(repo), List.of(), Duration.ofMillis(100), true, Duration.ZERO),
                new RecordingListener());
        await().atMost(Duration.ofSeconds(10)).until(() -> followerThreads().size() == 3);
        assertThat(followerThreads()).allMatch(Thread::isDaemon).extracting(Thread::getName).containsExactlyInAnyOrder(
                "segvault-follow-timer-1", "segvault-follow-notify-1", "segvault-follow-watch");
        follower.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> followerThreads().isEmpty());
        follower.close();
        assertThatThrownBy(() -> follower.start(Threads.POOLS)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void config_is_validated() {
        assertThatThrownBy(() -> new FollowerConfig(List.of(), List.of(), LONG, true, Duration.ZERO))
                .hasMessageContaining("at least one repository");
        assertThatThrownBy(() -> new FollowerConfig(List.of(tmp), List.of(), Duration.ZERO, true, Duration.ZERO))
                .hasMessageContaining("rescanInterval must be positive");
        assertThatThrownBy(() -> new FollowerConfig(List.of(tmp), List.of(), LONG, true, Duration.ofMillis(-1)))
                .hasMessageContaining("debounce must not be negative");
        assertThatThrownBy(() -> new FollowerConfig(List.of(), List.of(" "), LONG, true, Duration.ZERO))
                .hasMessageContaining("empty pattern");
    }

    private static List<Thread> followerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("segvault-follow-"))
                .filter(Thread::isAlive).toList();
    }
}
