package io.segvault.core.follow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoGlobTest {

    @TempDir
    Path tmp;

    @Test
    void star_matches_one_component_of_directories_only() throws IOException {
        Files.createDirectories(tmp.resolve("repos/a/data"));
        Files.createDirectories(tmp.resolve("repos/b"));
        Files.writeString(tmp.resolve("repos/file"), "x");
        RepoGlob glob = new RepoGlob(tmp + "/repos/*");
        assertThat(glob.expand()).containsExactlyInAnyOrder(tmp.resolve("repos/a"), tmp.resolve("repos/b"));
        assertThat(glob.parents()).containsExactly(tmp.resolve("repos"));
        assertThat(glob.matches(tmp.resolve("repos/new"))).isTrue();
        assertThat(glob.matches(tmp.resolve("repos/a/data"))).isFalse();
        assertThat(glob.matches(tmp.resolve("other/a"))).isFalse();
    }

    @Test
    void wildcards_in_the_middle_expand_level_by_level() throws IOException {
        Files.createDirectories(tmp.resolve("srv/host1/borg/r1"));
        Files.createDirectories(tmp.resolve("srv/host2/borg/r2"));
        Files.createDirectories(tmp.resolve("srv/host2/other/r3"));
        Files.createDirectories(tmp.resolve("srv/x/borg/r4"));
        RepoGlob glob = new RepoGlob(tmp + "/srv/host?/borg/r*");
        assertThat(glob.expand()).containsExactlyInAnyOrder(tmp.resolve("srv/host1/borg/r1"), tmp.resolve("srv/host2/borg/r2"));
        assertThat(glob.parents()).containsExactlyInAnyOrder(tmp.resolve("srv/host1/borg"), tmp.resolve("srv/host2/borg"));
    }

    @Test
    void pattern_without_wildcards_is_a_single_directory_when_it_exists() throws IOException {
        RepoGlob glob = new RepoGlob(tmp + "/one");
        assertThat(glob.expand()).isEmpty();
        Files.createDirectories(tmp.resolve("one"));
        assertThat(glob.expand()).containsExactly(tmp.resolve("one"));
        assertThat(glob.toString()).isEqualTo(tmp + "/one");
    }
}
