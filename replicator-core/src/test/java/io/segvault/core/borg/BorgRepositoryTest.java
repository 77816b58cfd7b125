package io.segvault.core.borg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BorgRepositoryTest {

    @TempDir
    Path tmp;

    @Test
    void opens_a_repository_and_parses_its_config() {
        FakeRepo fake = FakeRepo.create(tmp.resolve("repo"), 1000);
        BorgRepository repo = BorgRepository.open(tmp.resolve("repo/../repo"));
        assertThat(repo.path()).isEqualTo(tmp.resolve("repo").toAbsolutePath());
        assertThat(repo.readConfig()).isEqualTo(new RepoConfig(FakeRepo.ID, 1, 1000, 1_000_000, false));
        assertThat(fake.dir()).isDirectory();
    }

    @Test
    void config_is_read_fresh_each_time() throws IOException {
        FakeRepo.create(tmp.resolve("repo"), 1000);
        BorgRepository repo = BorgRepository.open(tmp.resolve("repo"));
        Path config = tmp.resolve("repo/config");
        Files.writeString(config, Files.readString(config).replace("append_only = 0", "append_only = 1"));
        assertThat(repo.readConfig().appendOnly()).isTrue();
    }

    @Test
    void missing_directory_is_named() {
        Path missing = tmp.resolve("nope");
        assertThatThrownBy(() -> BorgRepository.open(missing)).isInstanceOf(BorgRepositoryException.class)
                .hasMessage(missing + ": repository directory does not exist")
                .satisfies(e -> assertThat(((BorgRepositoryException) e).path()).isEqualTo(missing));
    }

    @Test
    void a_file_is_not_a_directory() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> BorgRepository.open(file)).hasMessage(file + ": not a directory, so not a Borg repository");
    }

    @Test
    void directory_without_config_is_refused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> BorgRepository.open(dir)).isInstanceOf(BorgRepositoryException.class)
                .hasMessageContaining(dir + ": no config file");
    }

    @Test
    void borg2_repository_is_refused_by_name() {
        FakeRepo.create(tmp.resolve("repo"), 1000).writeConfig(2);
        assertThatThrownBy(() -> BorgRepository.open(tmp.resolve("repo")))
                .hasMessageContaining("Borg 2 repository (version = 2)")
                .hasMessageContaining(tmp.resolve("repo/config").toString());
    }

    @Test
    void unknown_version_is_refused() {
        FakeRepo.create(tmp.resolve("repo"), 1000).writeConfig(7);
        assertThatThrownBy(() -> BorgRepository.open(tmp.resolve("repo"))).hasMessageContaining("unsupported repository version 7");
    }

    @Test
    void other_ini_files_are_not_borg_repositories() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(dir.resolve("config"), "[core]\nbare = false\n");
        assertThatThrownBy(() -> BorgRepository.open(dir)).hasMessageContaining("no [repository] section");
        Files.writeString(dir.resolve("config"), "this is not ini at all\n");
        assertThatThrownBy(() -> BorgRepository.open(dir)).hasMessageContaining("cannot parse line");
        Files.writeString(dir.resolve("config"), "[repository]\nversion = 1\n");
        assertThatThrownBy(() -> BorgRepository.open(dir)).hasMessageContaining("has no 'id'");
    }

    @Test
    void unreadable_config_is_reported() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("binary"));
        Files.write(dir.resolve("config"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0xc3});
        assertThatThrownBy(() -> BorgRepository.open(dir)).isInstanceOf(BorgRepositoryException.class)
                .hasMessageContaining("not UTF-8 text");
    }

    @Test
    void config_values_follow_borgs_parsing() {
        Path file = tmp.resolve("config");
        String base = "[repository]\nversion = 1\nsegments_per_dir = 10\nid = " + "0F".repeat(32) + "\n";
        assertThat(ConfigParser.parse(file, base + "max_segment_size = 524288000\nappend_only = 1\n"))
                .isEqualTo(new RepoConfig("0f".repeat(32), 1, 10, 524_288_000, true));
        assertThat(ConfigParser.parse(file, base + "MAX_SEGMENT_SIZE: 1.5G\n").maxSegmentSize()).isEqualTo(1_500_000_000L);
        assertThat(ConfigParser.parse(file, base + "max_segment_size = 4K\nappend_only = false\n").maxSegmentSize())
                .isEqualTo(4000);
        assertThatThrownBy(() -> ConfigParser.parse(file, base + "max_segment_size = big\n"))
                .hasMessageContaining("max_segment_size = 'big' is not a size");
        assertThatThrownBy(() -> ConfigParser.parse(file, base + "max_segment_size = 1M\nappend_only = maybe\n"))
                .hasMessageContaining("append_only = 'maybe' is not a boolean");
    }

    @Test
    void the_lenient_read_skips_odd_lines_and_keeps_values_raw() {
        String odd = "[repository]\nthis line has no separator\nAppend_Only: maybe\n  continued = 1\n[other]\nx = 1\n";
        assertThatThrownBy(() -> ConfigParser.parse(tmp.resolve("config"), odd))
                .hasMessageContaining("cannot parse line 'this line has no separator'");
        ConfigParser.Section s = ConfigParser.repositorySection(odd);
        assertThat(s.present()).isTrue();
        assertThat(s.values()).isEqualTo(java.util.Map.of("append_only", "maybe"));
        assertThat(ConfigParser.repositorySection("[other]\nappend_only = 1\n"))
                .isEqualTo(new ConfigParser.Section(false, java.util.Map.of()));
    }

    @Test
    void committed_transaction_is_the_highest_non_empty_index() throws IOException {
        FakeRepo fake = FakeRepo.create(tmp.resolve("repo"), 1000);
        BorgRepository repo = BorgRepository.open(fake.dir());
        assertThat(repo.committedTransaction()).isEmpty();
        Files.write(fake.dir().resolve("index.9"), new byte[] {1});
        Files.write(fake.dir().resolve("index.12"), new byte[] {1});
        Files.createFile(fake.dir().resolve("index.30"));
        Files.write(fake.dir().resolve("index.40.tmp"), new byte[] {1});
        Files.write(fake.dir().resolve("index.x"), new byte[] {1});
        assertThat(repo.committedTransaction()).isEqualTo(OptionalLong.of(12));
    }

    @Test
    void segments_are_digit_named_non_empty_files_in_digit_dirs_in_numeric_order() throws IOException {
        FakeRepo fake = FakeRepo.create(tmp.resolve("repo"), 10);
        fake.dataSegment(2, 1, 10);
        fake.dataSegment(9, 1, 10);
        fake.dataSegment(10, 1, 10);
        fake.commitSegment(100);
        Files.createFile(fake.dir().resolve("data/0/5"));
        Files.writeString(fake.dir().resolve("data/0/7-abcdefgh.tmp"), "x");
        Files.createDirectories(fake.dir().resolve("data/lost+found"));
        Files.writeString(fake.dir().resolve("data/lost+found/3"), "x");
        List<SegmentFile> segments = BorgRepository.open(fake.dir()).segments();
        assertThat(segments).extracting(SegmentFile::number).containsExactly(2L, 9L, 10L, 100L);
        SegmentFile last = segments.get(3);
        assertThat(last.path()).isEqualTo(fake.segmentPath(100));
        assertThat(last.size()).isEqualTo(17);
        assertThat(last.fingerprint()).isEqualTo(Fingerprint.read(fake.segmentPath(100)));
        assertThat(last.fingerprint().fileKey()).contains("ino=");
    }

    @Test
    void repository_without_data_directory_has_no_segments() {
        FakeRepo fake = FakeRepo.create(tmp.resolve("repo"), 10);
        assertThat(BorgRepository.open(fake.dir()).segments()).isEmpty();
    }

    @Test
    void config_with_a_multi_line_key_and_comments_parses() {
        String text = "# comment\n[repository]\nversion = 1\nsegments_per_dir = 1000\n; other comment\n"
                + "max_segment_size = 524288000\nappend_only = 0\nstorage_quota = 0\nadditional_free_space = 0\n"
                + "id = " + "12".repeat(32) + "\nkey = hqlhbGdvcml0aG2mc2hh\n\tGgpM/nK9uW2xZybM\n\tYtjatrC8s4W5IFEB=\n"
                + "[other]\nx = 1\n";
        RepoConfig config = ConfigParser.parse(tmp.resolve("config"), new String(text.getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8));
        assertThat(config).isEqualTo(new RepoConfig("12".repeat(32), 1, 1000, 524_288_000, false));
        assertThat(config.directoryOf(1999)).isEqualTo(1);
    }

    /**
     * The compact listing gives back every segment's real path and fingerprint, whether borg's spelling (derived, kept
     * without a path) or another (leading zeros, kept as listed), over several directories and in number order.
     */
    @Test
    void the_listing_gives_back_each_path_as_it_is_spelled() throws IOException {
        FakeRepo fake = FakeRepo.create(tmp.resolve("listed"), 1000);
        Path data = fake.dir().resolve("data");
        List<Path> files = List.of(data.resolve("0/5"), data.resolve("0/1"), data.resolve("1/1000"), data.resolve("1/1002"),
                data.resolve("2/0002001"), data.resolve("02/2500"), data.resolve("3/3000"));
        for (Path f : files) {
            Files.createDirectories(f.getParent());
            Files.write(f, new byte[] {1, 2, 3});
        }
        Files.write(data.resolve("3/3001"), new byte[0]); // empty: absent to borg
        SegmentList listed = BorgRepository.open(fake.dir()).segments();
        assertThat(listed).extracting(SegmentFile::number).containsExactly(1L, 5L, 1000L, 1002L, 2001L, 2500L, 3000L);
        assertThat(listed).extracting(SegmentFile::path).containsExactly(files.get(1), files.get(0), files.get(2), files.get(3),
                files.get(4), files.get(5), files.get(6));
        for (SegmentFile s : listed) {
            assertThat(s.fingerprint()).isEqualTo(Fingerprint.read(s.path()));
        }
    }
}
