package io.segvault.core.follow;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.test.ShiftableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stat-only poll of pull mode, on local directories (the poll only uses java.nio.file). */
class PollingFollowerTest {

    @TempDir
    Path tmp;

    private final Map<String, Path> repos = new LinkedHashMap<>();
    private final List<String> calls = new ArrayList<>();
    private final Set<Path> failing = new HashSet<>();
    private ShiftableClock clock;
    private PollingFollower follower;

    @BeforeEach
    void setUp() throws IOException {
        clock = new ShiftableClock();
        Files.createDirectories(tmp.resolve("acme/data/0"));
        Files.writeString(tmp.resolve("acme/index.1"), "x");
        repos.put("acme", tmp.resolve("acme"));
        follower = new PollingFollower(() -> Map.copyOf(repos), Duration.ofSeconds(30), Duration.ofMinutes(5),
                (path, trigger) -> calls.add(path.getFileName() + " " + trigger), failing::contains, clock);
    }

    @Test
    void a_new_repository_is_discovered_then_left_alone_until_it_changes() throws IOException {
        follower.poll();
        follower.poll();
        assertThat(calls).containsExactly("acme DISCOVERED");
        Files.writeString(tmp.resolve("acme/index.2"), "xy"); // a commit renames a new index.N into place
        follower.poll();
        assertThat(calls).containsExactly("acme DISCOVERED", "acme EVENT");
    }

    @Test
    void a_new_segment_directory_or_a_rewritten_index_is_a_change() throws IOException {
        follower.poll();
        Files.createDirectories(tmp.resolve("acme/data/1"));
        follower.poll();
        Files.setLastModifiedTime(tmp.resolve("acme/index.1"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        follower.poll();
        assertThat(calls).containsExactly("acme DISCOVERED", "acme EVENT", "acme EVENT");
    }

    @Test
    void every_rescan_interval_and_while_a_pass_fails_the_repository_gets_a_pass() {
        follower.poll();
        clock.shift(Duration.ofMinutes(5));
        follower.poll();
        follower.poll();
        failing.add(tmp.resolve("acme"));
        follower.poll();
        assertThat(calls).containsExactly("acme DISCOVERED", "acme RESCAN", "acme RESCAN");
    }

    @Test
    void a_failing_listing_is_tried_again_at_the_next_poll_and_new_matches_are_found() throws IOException {
        PollingFollower flaky = new PollingFollower(() -> {
            throw new IllegalStateException("sftp://vault@backup1:22: cannot connect");
        }, Duration.ofSeconds(1), Duration.ofMinutes(5), (p, t) -> calls.add("never"), p -> false, clock);
        flaky.poll();
        assertThat(calls).isEmpty();
        follower.poll();
        Files.createDirectories(tmp.resolve("beta/data"));
        repos.put("beta", tmp.resolve("beta"));
        follower.poll();
        assertThat(calls).containsExactly("acme DISCOVERED", "beta DISCOVERED");
        assertThat(follower.repositories()).containsExactlyInAnyOrder(tmp.resolve("acme"), tmp.resolve("beta"));
    }
}
