package io.segvault.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FenceAudit} on a corpus of real-world authorized_keys shapes (see {@link FenceCorpus}). */
class AuditFenceTest {

    private static final String OTHER_PRUNE_KEY = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    @TempDir
    Path dir;
    private FenceCorpus corpus;
    private AuditReport report;

    @BeforeEach
    void audit() throws Exception {
        corpus = new FenceCorpus(dir);
        report = new FenceAudit(List.of(corpus.prune.fingerprint(), OTHER_PRUNE_KEY))
                .audit(List.of(corpus.authorizedKeys), corpus.repos);
    }

    private String line(int n) {
        return corpus.authorizedKeys + ":" + n;
    }

    @Test
    void reports_exactly_the_expected_findings_in_file_order() {
        List<String> found = report.findings().stream()
                .map(f -> f.severity() + " " + f.code() + " " + f.source().replace(corpus.authorizedKeys + ":", "line "))
                .toList();
        assertThat(found).containsExactly(
                "CRITICAL NOT_RESTRICTED line 4",
                "INFO NO_FROM line 4",
                "WARNING RESTRICTION_UNDONE line 5",
                "CRITICAL NO_FORCED_COMMAND line 7",
                "CRITICAL NOT_RESTRICTED line 7",
                "INFO NO_FROM line 7",
                "CRITICAL NO_APPEND_ONLY line 8",
                "CRITICAL NO_REPOSITORY_RESTRICTION line 8",
                "INFO NO_FROM line 8",
                "CRITICAL NOT_BORG_SERVE line 9",
                "WARNING PRUNE_KEY_NO_FROM line 10",
                "WARNING UNKNOWN_REPOSITORY line 11",
                "WARNING LINE_UNPARSEABLE line 13",
                "WARNING LINE_UNPARSEABLE line 14",
                "WARNING OPTIONS_INVALID line 15",
                "WARNING OPTIONS_INVALID line 16",
                "WARNING DUPLICATE_KEY line 17",
                "INFO NO_FROM line 17",
                "WARNING LINE_UNPARSEABLE line 18",
                "WARNING PRUNE_KEY_NOT_FOUND --prune-key",
                "WARNING REPO_NOT_APPEND_ONLY " + corpus.repo("bob"),
                "WARNING REPO_NOT_APPEND_ONLY " + corpus.repo("carol"));
        assertThat(report.passed()).isFalse();
        assertThat(report.highestSeverity()).contains(Severity.CRITICAL);
    }

    @Test
    void findings_name_the_key_and_say_what_is_wrong() {
        Map<String, Finding> bySourceAndCode = report.findings().stream()
                .collect(Collectors.toMap(f -> f.source() + " " + f.code(), Function.identity()));
        Finding bob = bySourceAndCode.get(line(4) + " NOT_RESTRICTED");
        assertThat(bob.fingerprint()).isEqualTo(corpus.bob.fingerprint());
        assertThat(bob.comment()).isEqualTo("bob");
        assertThat(bob.message()).isEqualTo(
                "no restrict option: port-forwarding, agent-forwarding, X11-forwarding, pty, user-rc stay enabled");
        assertThat(bySourceAndCode.get(line(5) + " RESTRICTION_UNDONE").message()).contains("pty enabled again");
        assertThat(bySourceAndCode.get(line(9) + " NOT_BORG_SERVE").message()).contains("shell operator '|'");
        assertThat(bySourceAndCode.get(line(11) + " UNKNOWN_REPOSITORY").message())
                .isEqualTo("--restrict-to-repository " + corpus.repo("nobody") + " is not a repository under " + corpus.repos);
        assertThat(bySourceAndCode.get(line(13) + " LINE_UNPARSEABLE").message()).contains("truncated or corrupt ssh-ed25519 key");
        assertThat(bySourceAndCode.get(line(14) + " LINE_UNPARSEABLE").message()).contains("not UTF-8 text");
        Finding twoCommands = bySourceAndCode.get(line(15) + " OPTIONS_INVALID");
        assertThat(twoCommands.message()).isEqualTo("sshd ignores this line: option 'command' appears more than once");
        assertThat(twoCommands.fingerprint()).isEqualTo(corpus.twoCommands.fingerprint());
        assertThat(bySourceAndCode.get(line(16) + " OPTIONS_INVALID").message()).contains("unknown option 'frobnicate'");
        assertThat(bySourceAndCode.get(line(17) + " DUPLICATE_KEY").message()).contains("also at " + line(3));
        assertThat(bySourceAndCode.get(line(18) + " LINE_UNPARSEABLE").message()).contains("never closed");
        assertThat(bySourceAndCode.get(corpus.repo("carol") + " REPO_NOT_APPEND_ONLY").message())
                .contains("no append_only setting");
        assertThat(bySourceAndCode.get(corpus.repo("bob") + " REPO_NOT_APPEND_ONLY").message()).contains("append_only = 0");
    }

    @Test
    void reports_every_key_with_its_fingerprint_comment_and_fences() {
        assertThat(report.keys()).extracting(KeyReport::source)
                .containsExactly(line(3), line(4), line(5), line(6), line(7), line(8), line(9), line(10), line(11),
                        line(12), line(17));
        Map<String, KeyReport> keys = report.keys().stream().collect(Collectors.toMap(KeyReport::source, k -> k));

        KeyReport alice = keys.get(line(3));
        assertThat(alice.fingerprint()).isEqualTo(corpus.alice.fingerprint());
        assertThat(alice.keyType()).isEqualTo("ssh-ed25519");
        assertThat(alice.comment()).isEqualTo("alice@laptop");
        assertThat(alice.forcedCommand()).isEqualTo("borg serve --append-only --restrict-to-repository " + corpus.repo("alice"));
        assertThat(alice).extracting(KeyReport::borgServe, KeyReport::appendOnly, KeyReport::restrictedToRepositories,
                KeyReport::restricted, KeyReport::from, KeyReport::pruneKey).containsExactly(true, true, true, true, "10.0.0.5", false);

        KeyReport dave = keys.get(line(6));
        assertThat(dave.forcedCommand()).isEqualTo("cd \"" + corpus.repo("group") + "\" && borg serve --append-only"
                + " --restrict-to-repository \"" + corpus.repo("group/dave smith") + "\"");
        assertThat(dave.restrictedTo()).containsExactly(corpus.repo("group/dave smith"));
        assertThat(dave).extracting(KeyReport::borgServe, KeyReport::appendOnly, KeyReport::restrictedToRepositories,
                KeyReport::restricted, KeyReport::comment).containsExactly(true, true, true, true, "dave the builder");

        KeyReport carol = keys.get(line(5));
        assertThat(carol.keyType()).isEqualTo("ecdsa-sha2-nistp256");
        assertThat(carol.fingerprint()).isEqualTo(corpus.carol.fingerprint());
        assertThat(carol.restricted()).isFalse();
        assertThat(carol.openCapabilities()).containsExactly("pty");
        assertThat(carol.from()).isEqualTo("10.0.0.6,10.0.0.7");

        assertThat(keys.get(line(4)).keyType()).isEqualTo("ssh-rsa");
        assertThat(keys.get(line(4)).fingerprint()).isEqualTo(corpus.bob.fingerprint());
        assertThat(keys.get(line(7)).forcedCommand()).isNull();
        assertThat(keys.get(line(10)).pruneKey()).isTrue();
        assertThat(keys.get(line(10)).appendOnly()).isFalse();
        assertThat(keys.get(line(11)).restrictedToRepositories()).isFalse();

        KeyReport sk = keys.get(line(12));
        assertThat(sk.keyType()).isEqualTo("sk-ssh-ed25519@openssh.com");
        assertThat(sk.fingerprint()).isEqualTo(FenceCorpus.SK_FINGERPRINT);
        assertThat(sk.comment()).isEqualTo("yubikey");
    }

    @Test
    void finds_repositories_below_the_directory_but_not_inside_a_repository() {
        assertThat(report.repositories()).containsExactly(
                new RepositoryReport(corpus.repo("alice"), true, "1"),
                new RepositoryReport(corpus.repo("bob"), false, "0"),
                new RepositoryReport(corpus.repo("carol"), false, null),
                new RepositoryReport(corpus.repo("group/dave smith"), true, "yes"));
    }

    @Test
    void a_server_with_correct_fences_has_nothing_above_info() throws Exception {
        Path repos = dir.resolve("clean-repos");
        Files.createDirectories(repos);
        Path repo = Files.move(corpus.repos.resolve("alice"), repos.resolve("alice"));
        SshClientKey client = SshClientKey.inMemory(SshClientKey.KeyPairType.ED25519);
        Path keys = dir.resolve("clean_keys");
        Files.writeString(keys, client.authorizedKeysLine("command=\"borg serve --append-only --restrict-to-repository "
                + repo + "\",restrict", "client") + "\n"
                + corpus.prune.authorizedKeysLine("command=\"borg serve --restrict-to-repository " + repo
                + "\",restrict,from=\"192.0.2.10\"", "prune") + "\n");

        AuditReport clean = new FenceAudit(List.of(corpus.prune.fingerprint())).audit(List.of(keys), repos);

        assertThat(clean.findings()).extracting(Finding::severity, Finding::code)
                .containsExactly(tuple(Severity.INFO, "NO_FROM"));
        assertThat(clean.passed()).isTrue();
    }

    @Test
    void prune_key_fingerprints_must_be_sha256() {
        assertThat(FenceAudit.normalizeFingerprint(corpus.alice.fingerprint() + "=")).isEqualTo(corpus.alice.fingerprint());
        assertThatThrownBy(() -> new FenceAudit(List.of("MD5:12:34")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'MD5:12:34' is not a SHA256 key fingerprint");
    }

    @Test
    void an_unreadable_file_or_directory_throws_with_its_path() {
        FenceAudit audit = new FenceAudit(List.of());
        Path missing = dir.resolve("missing_keys");
        assertThatThrownBy(() -> audit.audit(List.of(missing), corpus.repos))
                .isInstanceOf(AuditInputException.class)
                .hasMessageStartingWith(missing + ": cannot read authorized_keys file");
        assertThatThrownBy(() -> audit.audit(List.of(corpus.authorizedKeys), dir.resolve("nope")))
                .isInstanceOf(AuditInputException.class)
                .hasMessage(dir.resolve("nope") + ": the repository directory does not exist");
    }
}
