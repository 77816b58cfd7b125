package io.segvault.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Prometheus's own tool on the alert rules of the agent (docs/alerts/segvault-rules.yml) and of the witness
 * (docs/alerts/witness-rules.yml): {@code promtool check rules} parses every expression and template, and
 * {@code promtool test rules} replays the {@code .test.yml} beside each (which alert fires when, with which
 * labels and annotations). Needs {@code promtool} (Debian package prometheus).
 */
class PromtoolRulesTest {

    private static final Map<String, String> ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8");

    @ParameterizedTest
    @ValueSource(strings = {"segvault-rules", "witness-rules"})
    void promtool_accepts_the_rules(String rules) {
        ProjectFiles.Run r = promtool("check", "rules", rules + ".yml");

        assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains("SUCCESS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"segvault-rules", "witness-rules"})
    void the_promtool_unit_tests_pass(String rules) {
        ProjectFiles.Run r = promtool("test", "rules", rules + ".test.yml");

        assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains("SUCCESS");
    }

    @Test
    void promtool_test_rules_fails_when_an_alert_does_not_fire_as_expected(@TempDir Path dir) throws IOException {
        String rules = ProjectFiles.read("docs/alerts/witness-rules.yml");
        Files.writeString(dir.resolve("witness-rules.yml"),
            rules.replace("segvault_witness_foreign_objects > 0", "segvault_witness_foreign_objects > 5"));
        Files.copy(ProjectFiles.file("docs/alerts/witness-rules.test.yml"), dir.resolve("witness-rules.test.yml"));

        ProjectFiles.Run r = ProjectFiles.run(dir, ENV, "promtool", "test", "rules", "witness-rules.test.yml");

        assertThat(r.exit()).as(r.stdout() + r.stderr()).isNotZero();
        assertThat(r.stdout() + r.stderr()).contains("SegvaultWitnessForeignObjects");
    }

    private static ProjectFiles.Run promtool(String... args) {
        Path dir = ProjectFiles.file("docs/alerts");
        String[] cmd = new String[args.length + 1];
        cmd[0] = "promtool";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            return ProjectFiles.run(dir, ENV, cmd);
        } catch (RuntimeException e) {
            throw new AssertionError("cannot run promtool; install it with: apt-get install --no-install-recommends prometheus", e);
        }
    }
}
