package io.segvault.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md carries the table generated from ConfigSchema; regenerate it when a key changes. */
class ConfigDocsTest {

    @Test
    void configuration_doc_is_up_to_date() throws IOException {
        Path doc = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(doc);
        assertThat(text).as("docs/configuration.md must contain the output of ConfigDocs (run "
                + "`java -cp replicator-core/target/classes io.segvault.core.config.ConfigDocs`)").contains(ConfigDocs.table());
        for (Setting s : ConfigSchema.SETTINGS) {
            assertThat(text).contains("`" + s.key() + "`");
        }
    }
}
