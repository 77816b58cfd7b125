package io.segvault.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Prometheus's own tool on the alert rules: {@code promtool check rules} parses every expression and template, and
 * {@code promtool test rules} replays docs/alerts/segvault-rules.test.yml (which alert fires when, with which
 * labels and annotations). Needs {@code promtool} (Debian package prometheus).
 */
class PromtoolRulesTest {

    private static final Map<String, String> ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8");

    @Test
    void promtool_accepts_the_rules() {
        ProjectFiles.Run r = promtool("check", "rules", "segvault-rules.yml");

        assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains("SUCCESS");
    }

    @Test
    void the_promtool_unit_tests_pass() {
        ProjectFiles.Run r = promtool("test", "rules", "segvault-rules.test.yml");

        assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains("SUCCESS");
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
