package io.segvault.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Line handling of {@link AuthorizedKeysParser}: no line ever makes it fail. */
class AuditAuthorizedKeysParserTest {

    @TempDir
    Path dir;

    private List<AuthorizedKeysParser.ParsedLine> parse(String content) throws Exception {
        Path file = dir.resolve("authorized_keys");
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        return AuthorizedKeysParser.parse(file).lines();
    }

    private String problem(String line) throws Exception {
        List<AuthorizedKeysParser.ParsedLine> lines = parse(line + "\n");
        assertThat(lines).singleElement().isInstanceOf(AuthorizedKeysParser.BadLine.class);
        return ((AuthorizedKeysParser.BadLine) lines.get(0)).problem();
    }

    @Test
    void crlf_lf_and_a_missing_final_newline_all_parse() throws Exception {
        SshClientKey k = SshClientKey.inMemory(SshClientKey.KeyPairType.ED25519);
        List<AuthorizedKeysParser.ParsedLine> lines = parse(k.authorizedKeysLine("restrict", "a") + "\r\n"
                + "\r\n" + k.authorizedKeysLine("", "") + "\r\n" + "\t" + k.authorizedKeysLine("", "b c"));
        assertThat(lines).hasSize(3).allMatch(AuthorizedKey.class::isInstance);
        assertThat(lines).extracting(l -> ((AuthorizedKey) l).comment()).containsExactly("a", null, "b c");
        assertThat(lines).extracting(l -> ((AuthorizedKey) l).source())
                .containsExactly(dir.resolve("authorized_keys") + ":1", dir.resolve("authorized_keys") + ":3",
                        dir.resolve("authorized_keys") + ":4");
        assertThat(lines).extracting(l -> ((AuthorizedKey) l).fingerprint()).containsOnly(k.fingerprint());
    }

    @Test
    void broken_lines_become_bad_lines_with_a_reason() throws Exception {
        assertThat(problem("ssh-ed25519 AAAA\u0007bell")).contains("control characters");
        assertThat(problem("restrict,command=\"borg serve\"")).isEqualTo("sshd ignores this line: no key after the options");
        assertThat(problem("restrict ssh-foo AAAAB3NzaC1yc2E")).contains("'ssh-foo' is no key type sshd knows");
        assertThat(problem("hello world")).contains("'world' is no key type sshd knows");
        assertThat(problem("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ")).contains("truncated or corrupt ssh-rsa key");
        assertThat(problem("ssh-ed25519 !!!notbase64!!!")).contains("truncated or corrupt ssh-ed25519 key");
        assertThat(problem("ssh-rsa " + SshClientKey.publicKeyText(SshClientKey.keyPair(SshClientKey.KeyPairType.ED25519)
                .getPublic()).split(" ")[1])).contains("truncated or corrupt ssh-rsa key");
    }

    @Test
    void options_sshd_refuses_keep_the_key_fingerprint() throws Exception {
        SshClientKey k = SshClientKey.inMemory(SshClientKey.KeyPairType.RSA);
        List<AuthorizedKeysParser.ParsedLine> lines = parse(k.authorizedKeysLine("restrict,nope", "x") + "\n");
        AuthorizedKeysParser.BadLine bad = (AuthorizedKeysParser.BadLine) lines.get(0);
        assertThat(bad.invalidOptions()).isTrue();
        assertThat(bad.fingerprint()).isEqualTo(k.fingerprint());
        assertThat(bad.problem()).isEqualTo("sshd ignores this line: unknown option 'nope'");
    }
}
