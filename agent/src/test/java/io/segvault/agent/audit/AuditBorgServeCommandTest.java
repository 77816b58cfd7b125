package io.segvault.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which forced commands count as a plain {@code borg serve}, and with which restrictions. */
class AuditBorgServeCommandTest {

    @Test
    void plain_borg_serve_with_both_fences() {
        BorgServeCommand c = BorgServeCommand.parse("borg serve --append-only --restrict-to-repository /srv/borg/a");
        assertThat(c.isBorgServe()).isTrue();
        assertThat(c.appendOnly()).isTrue();
        assertThat(c.repositories()).containsExactly("/srv/borg/a");
        assertThat(c.paths()).isEmpty();
    }

    @Test
    void equals_forms_several_restrictions_and_quoting() {
        BorgServeCommand c = BorgServeCommand.parse("/usr/bin/borg serve --restrict-to-repository=/srv/a"
                + " --restrict-to-path '/srv/b c' --restrict-to-repository \"/srv/d\\\"e\" --append-only --umask=077");
        assertThat(c.isBorgServe()).isTrue();
        assertThat(c.repositories()).containsExactly("/srv/a", "/srv/d\"e");
        assertThat(c.paths()).containsExactly("/srv/b c");
        assertThat(c.restrictions()).containsExactly("/srv/a", "/srv/d\"e", "/srv/b c");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "cd /srv/borg/a; borg serve --append-only",
        "cd /srv && exec borg serve --append-only",
        "BORG_LOGGING_CONF=/etc/borg.conf borg serve --append-only",
        "borg-1.2 serve --append-only",
        "borg serve --append-only   # pinned by ansible"})
    void accepted_shapes(String command) {
        BorgServeCommand c = BorgServeCommand.parse(command);
        assertThat(c.problem()).isNull();
        assertThat(c.appendOnly()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "borg serve --append-only | tee log => uses the shell operator '|'",
        "borg serve --append-only > /tmp/x => uses the shell operator '>'",
        "borg serve --append-only & => uses the shell operator '&'",
        "borg serve --restrict-to-repository $HOME/r => uses shell expansion ('$')",
        "borg serve --restrict-to-repository \"`id`\" => inside double quotes",
        "borg serve; rm -rf /srv => ends with 'rm -rf /srv' instead of borg serve",
        "rm -rf /srv; borg serve => runs 'rm -rf /srv' before borg serve",
        "/bin/bash => ends with '/bin/bash' instead of borg serve",
        "borg list => ends with 'borg list' instead of borg serve",
        "sudo borg serve => ends with 'sudo borg serve' instead of borg serve",
        "borgmatic serve => ends with 'borgmatic serve' instead of borg serve",
        "borg serve 'oops => single quote that is never closed",
        "' ' => the command is empty"})
    void rejected_shapes_say_why(String command, String problem) {
        BorgServeCommand c = BorgServeCommand.parse(command);
        assertThat(c.isBorgServe()).isFalse();
        assertThat(c.problem()).contains(problem);
        assertThat(c.restrictions()).isEmpty();
    }

    @Test
    void abbreviated_options_are_not_trusted() {
        BorgServeCommand c = BorgServeCommand.parse("borg serve --append --restrict-to-repo /srv/a");
        assertThat(c.isBorgServe()).isTrue();
        assertThat(c.appendOnly()).isFalse();
        assertThat(c.restrictions()).isEqualTo(List.of());
    }
}
