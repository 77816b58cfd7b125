package io.segvault.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BorgFixtureIT {

    @TempDir
    Path tmp;

    @Test
    void init_create_prune_compact_check_with_real_borg() throws IOException {
        assertThat(BorgFixture.installed()).as("borg binary on PATH (apt-get install borgbackup)").isTrue();
        BorgFixture borg = new BorgFixture(tmp);
        Path repo = tmp.resolve("repo");
        Path src = tmp.resolve("src");

        borg.init(repo, "repokey-blake2");
        borg.config(repo, "max_segment_size", "1M");
        BorgFixture.generateData(src, 42, 1, 4);
        borg.create(repo, "one", src);
        BorgFixture.generateData(src, 42, 2, 4);
        borg.create(repo, "two", src);
        java.util.Set<String> segmentsBefore = segments(repo);

        borg.prune(repo, 1);
        borg.compact(repo);

        assertThat(borg.check(repo).ok()).as("borg check after prune + compact").isTrue();
        assertThat(borg.list(repo)).containsExactly("two");
        assertThat(segmentsBefore).as("compact removed superseded segments")
                .anySatisfy(seg -> assertThat(segments(repo)).doesNotContain(seg));

        Path out = tmp.resolve("out");
        borg.extract(repo, "two", out);
        assertThat(Files.readAllBytes(out.resolve("gen/generation2.bin")))
                .isEqualTo(Files.readAllBytes(src.resolve("gen/generation2.bin")));
    }

    @Test
    void fixture_never_uses_the_real_home_directory() {
        BorgFixture borg = new BorgFixture(tmp);
        Path repo = tmp.resolve("repo-none");
        borg.init(repo, "none");
        assertThat(borg.baseDir()).startsWith(tmp);
        assertThat(borg.baseDir().resolve(".config/borg/security")).isDirectory();
        assertThat(borg.baseDir().resolve(".cache/borg")).isDirectory();
    }

    private static java.util.Set<String> segments(Path repo) {
        try (Stream<Path> s = Files.walk(repo.resolve("data"))) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
