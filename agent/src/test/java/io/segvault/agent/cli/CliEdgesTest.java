package io.segvault.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.agent.it.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The edges of the command line: words that are no command (with or without --help), and --version. */
class CliEdgesTest {

    private static Cli.Result refusedAsUnknown(String word, String... args) {
        Cli.Result r = Cli.main(args);
        assertThat(r.exit()).as(r.both()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).as("no help on stdout for an unknown command: " + r.both()).isEmpty();
        assertThat(r.err().lines()).as(r.both()).hasSize(1);
        assertThat(r.err()).startsWith("segvault: error: unknown command '" + word + "'");
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "--version"})
    void an_unknown_command_followed_by_a_help_or_version_option_is_refused_like_one_without(String option) {
        Cli.Result withOption = refusedAsUnknown("blorpz", "blorpz", option);
        Cli.Result without = refusedAsUnknown("blorpz", "blorpz");
        assertThat(withOption.err()).isEqualTo(without.err());
    }

    @Test
    void a_word_near_no_command_lists_the_commands() {
        Cli.Result r = refusedAsUnknown("blorpz", "blorpz", "--help");
        assertThat(r.err()).contains("the commands are run, sync, status, points, restore, verify").contains("see 'segvault --help'");
    }

    @Test
    void a_typo_gets_the_command_it_was_probably_meant_to_be() {
        assertThat(refusedAsUnknown("restroe", "restroe", "--help").err()).contains("(did you mean 'restore'?)");
        assertThat(refusedAsUnknown("verfy", "verfy").err()).contains("(did you mean 'verify'?)");
        assertThat(refusedAsUnknown("recon", "recon").err()).contains("(did you mean 'reconcile'?)");
    }

    @Test
    void known_commands_and_the_top_level_help_still_work() {
        Cli.Result help = Cli.main("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: segvault");
        Cli.Result sub = Cli.main("restore", "--help");
        assertThat(sub.exit()).isZero();
        assertThat(sub.out()).contains("Usage: segvault restore");
        Cli.Result helpCommand = Cli.main("help", "status");
        assertThat(helpCommand.exit()).isZero();
        assertThat(helpCommand.out()).contains("Usage: segvault status");
    }

    @Test
    void version_names_the_version_the_commit_and_the_java_runtime() throws IOException, InterruptedException {
        Cli.Result r = Cli.main("--version");
        assertThat(r.exit()).as(r.both()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).matches("segvault \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit [0-9a-f]{12}\\)");
        assertThat(lines[0]).contains("(commit " + gitHead() + ")");
        assertThat(lines[1]).startsWith("Java " + Runtime.version() + " (").endsWith(" at " + System.getProperty("java.home"));
    }

    /** The checkout's HEAD, which the build under test recorded (CI builds from a clone). */
    private static String gitHead() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").directory(Cli.projectRoot().toFile())
                .redirectErrorStream(true).start();
        String head = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git rev-parse HEAD: " + head).isZero();
        return head;
    }
}
