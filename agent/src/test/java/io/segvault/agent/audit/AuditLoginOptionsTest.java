package io.segvault.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** authorized_keys options read as sshd reads them. */
class AuditLoginOptionsTest {

    @Test
    void quoted_values_keep_spaces_commas_and_escaped_quotes() throws Exception {
        String text = "command=\"cd \\\"/srv/a b\\\"; borg serve --append-only\",from=\"10.0.0.1,10.0.0.2\",restrict";
        assertThat(LoginOptions.endOfOptions(text + " ssh-ed25519 AAAA c")).isEqualTo(text.length());
        LoginOptions o = LoginOptions.parse(text);
        assertThat(o.command()).isEqualTo("cd \"/srv/a b\"; borg serve --append-only");
        assertThat(o.from()).isEqualTo("10.0.0.1,10.0.0.2");
        assertThat(o.has("restrict")).isTrue();
    }

    @Test
    void names_are_case_insensitive_and_flags_may_repeat() throws Exception {
        LoginOptions o = LoginOptions.parse("RESTRICT,Command=\"borg serve\",restrict,No-PTY");
        assertThat(o.command()).isEqualTo("borg serve");
        assertThat(o.openCapabilities()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "restrict|''",
        "restrict,pty|pty",
        "pty,restrict|''",
        "restrict,port-forwarding,X11-forwarding|port-forwarding,X11-forwarding",
        "no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-user-rc|''",
        "no-pty,no-port-forwarding|agent-forwarding,X11-forwarding,user-rc",
        "command=\"x\"|port-forwarding,agent-forwarding,X11-forwarding,pty,user-rc"})
    void capabilities_follow_the_options_in_order(String options, String open) throws Exception {
        assertThat(String.join(",", LoginOptions.parse(options).openCapabilities())).isEqualTo(open);
    }

    @Test
    void restrict_intent_is_restrict_or_all_five_no_options() throws Exception {
        assertThat(LoginOptions.parse("restrict,pty").restrictIntended()).isTrue();
        assertThat(LoginOptions.parse("no-pty,no-port-forwarding,no-agent-forwarding,no-x11-forwarding,no-user-rc,pty")
                .restrictIntended()).isTrue();
        assertThat(LoginOptions.parse("no-pty,no-port-forwarding").restrictIntended()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "frobnicate|unknown option 'frobnicate'",
        "restrict,,pty|empty option",
        "restrict,|empty option",
        "command=borg|the value of option 'command' is not in double quotes",
        "command|option 'command' needs a value",
        "pty=\"yes\"|option 'pty' takes no value",
        "command=\"a\",command=\"b\"|option 'command' appears more than once",
        "from=\"a\",FROM=\"b\"|option 'from' appears more than once",
        "command=\"a\"x|unexpected 'x' after option 'command'",
        "command=\"abc|a double quote in the options is never closed"})
    void options_sshd_refuses_are_rejected_with_the_reason(String options, String message) {
        assertThatThrownBy(() -> LoginOptions.parse(options))
                .isInstanceOf(LoginOptions.InvalidOptionsException.class)
                .hasMessageContaining(message);
    }

    @Test
    void permitopen_may_repeat() throws Exception {
        assertThat(LoginOptions.parse("permitopen=\"a:1\",permitopen=\"b:2\"").options()).hasSize(2);
    }

    @Test
    void unterminated_quote_before_the_key_is_reported() {
        assertThatThrownBy(() -> LoginOptions.endOfOptions("command=\"borg serve ssh-ed25519 AAAA"))
                .hasMessage("a double quote in the options is never closed");
    }
}
