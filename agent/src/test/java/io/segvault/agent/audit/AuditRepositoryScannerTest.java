package io.segvault.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Finding repositories and reading {@code append_only} from their config. */
class AuditRepositoryScannerTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[repository]\\nappend_only = 1\\n|true|1",
        "[repository]\\r\\nappend_only = 1\\r\\n|true|1",
        "[repository]\\nAppend_Only: True\\n|true|True",
        "[repository]\\nappend_only=on\\n|true|on",
        "[repository]\\nappend_only = 0\\n|true|0",
        "[repository]\\n# append_only = 1\\nversion = 1\\n|true|",
        "[other]\\nappend_only = 1\\n[repository]\\nversion = 1\\n|true|",
        "[repository]\\nversion = 1\\n[other]\\nappend_only = 1\\n|true|",
        "[cache]\\nappend_only = 1\\n|false|"})
    void reads_append_only_from_the_repository_section(String config, boolean repository, String appendOnly) {
        RepositoryScanner.Config c = RepositoryScanner.readConfig(config.replace("\\n", "\n").replace("\\r", "\r"));
        assertThat(c.repository()).isEqualTo(repository);
        assertThat(c.appendOnly()).isEqualTo(appendOnly);
    }

    @Test
    void true_values_are_those_borg_accepts() throws Exception {
        repo("a", "1");
        repo("b", "yes");
        repo("c", "maybe");
        assertThat(RepositoryScanner.scan(dir).repositories()).extracting(RepositoryReport::appendOnly)
                .containsExactly(true, true, false);
    }

    @Test
    void searches_nested_directories_up_to_the_depth_limit() throws Exception {
        repo("x/y/z", "1");
        repo("1/2/3/4/5/6/too-deep", "1");
        assertThat(RepositoryScanner.scan(dir).repositories()).extracting(RepositoryReport::path)
                .containsExactly(dir.resolve("x/y/z").toString());
    }

    @Test
    void a_file_or_missing_directory_is_an_input_error() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertThatThrownBy(() -> RepositoryScanner.scan(file)).isInstanceOf(AuditInputException.class)
                .hasMessage(file + ": the repository directory is not a directory");
    }

    private void repo(String name, String appendOnly) throws Exception {
        Path r = Files.createDirectories(dir.resolve(name));
        Files.writeString(r.resolve("config"), "[repository]\nversion = 1\nappend_only = " + appendOnly + "\n");
    }
}
