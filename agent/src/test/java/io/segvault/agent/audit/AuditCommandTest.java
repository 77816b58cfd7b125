package io.segvault.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segvault.agent.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code segvault audit} through {@link Main#run}: output, JSON and exit codes. */
class AuditCommandTest {

    @TempDir
    Path dir;
    private FenceCorpus corpus;
    private String out;
    private String err;

    @BeforeEach
    void corpus() {
        corpus = new FenceCorpus(dir);
    }

    private int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        List<String> all = new ArrayList<>(List.of("audit"));
        all.addAll(List.of(args));
        int code = Main.run(new PrintWriter(o, true), new PrintWriter(e, true), all.toArray(String[]::new));
        out = o.toString();
        err = e.toString();
        return code;
    }

    @Test
    void findings_above_info_exit_3_and_print_tables() {
        int code = run("--authorized-keys", corpus.authorizedKeys.toString(), "--repos", corpus.repos.toString(),
                "--prune-key", corpus.prune.fingerprint());

        assertThat(code).isEqualTo(3);
        assertThat(err).isEmpty();
        assertThat(out).contains("Keys (11)", "Repositories (4)", "Findings (21)",
                "Result: FAILED (6 critical, 11 warning, 4 info)");
        assertThat(out.lines()).anyMatch(l -> l.matches("CRITICAL +NO_APPEND_ONLY +" + corpus.authorizedKeys + ":8 +borg serve"
                + " without --append-only.*"));
        assertThat(out.lines()).anyMatch(l -> l.startsWith(corpus.authorizedKeys + ":3 ") && l.contains(corpus.alice.fingerprint())
                && l.contains("alice@laptop") && l.matches(".* client +yes +yes +" + corpus.repo("alice") + " +yes +10\\.0\\.0\\.5"));
        assertThat(out.lines()).anyMatch(l -> l.startsWith(corpus.authorizedKeys + ":5 ") && l.contains("no (pty)"));
    }

    @Test
    void json_carries_summary_findings_keys_and_repositories() throws Exception {
        int code = run("--authorized-keys", corpus.authorizedKeys.toString(), "--repos", corpus.repos.toString(),
                "--prune-key", corpus.prune.fingerprint(), "--json");

        assertThat(code).isEqualTo(3);
        JsonNode json = new ObjectMapper().readTree(out);
        assertThat(json.at("/summary/passed").asBoolean()).isFalse();
        assertThat(json.at("/summary/critical").asInt()).isEqualTo(6);
        assertThat(json.at("/findings")).hasSize(21);
        JsonNode first = json.at("/findings/0");
        assertThat(first.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(first.get("code").asText()).isEqualTo("NOT_RESTRICTED");
        assertThat(first.get("source").asText()).isEqualTo(corpus.authorizedKeys + ":4");
        assertThat(first.get("fingerprint").asText()).isEqualTo(corpus.bob.fingerprint());
        assertThat(first.get("comment").asText()).isEqualTo("bob");
        JsonNode alice = json.at("/keys/0");
        assertThat(alice.get("fingerprint").asText()).isEqualTo(corpus.alice.fingerprint());
        assertThat(alice.get("appendOnly").asBoolean()).isTrue();
        assertThat(alice.get("restrictedTo").get(0).asText()).isEqualTo(corpus.repo("alice"));
        assertThat(json.at("/repositories/1/path").asText()).isEqualTo(corpus.repo("bob"));
        assertThat(json.at("/repositories/1/appendOnly").asBoolean()).isFalse();
    }

    @Test
    void nothing_above_info_exits_0() throws Exception {
        Path keys = dir.resolve("good_keys");
        Files.writeString(keys, corpus.alice.authorizedKeysLine("command=\"borg serve --append-only"
                + " --restrict-to-repository " + corpus.repo("alice") + "\",restrict", "alice") + "\n");
        Path repos = Files.createDirectories(dir.resolve("only-alice"));
        Files.move(corpus.repos.resolve("alice"), repos.resolve("alice"));
        Files.writeString(keys, Files.readString(keys).replace(corpus.repo("alice"), repos.resolve("alice").toString()));

        assertThat(run("--authorized-keys", keys.toString(), "--repos", repos.toString())).isZero();
        assertThat(out).contains("Result: PASSED (0 critical, 0 warning, 1 info)");
        assertThat(err).isEmpty();
    }

    @Test
    void unreadable_input_exits_2_with_one_line_naming_the_file() throws Exception {
        Path missing = dir.resolve("no_such_keys");
        assertThat(run("--authorized-keys", missing.toString(), "--repos", corpus.repos.toString())).isEqualTo(2);
        assertThat(err.lines()).singleElement().asString()
                .startsWith("segvault audit: " + missing + ": cannot read authorized_keys file")
                .contains("NoSuchFileException");
        assertThat(out).isEmpty();

        assertThat(run("--authorized-keys", corpus.repos.toString(), "--repos", corpus.repos.toString())).isEqualTo(2);
        assertThat(err.lines()).singleElement().asString()
                .isEqualTo("segvault audit: " + corpus.repos + ": cannot read authorized_keys file (IOException: Is a directory)");

        assertThat(run("--authorized-keys", corpus.authorizedKeys.toString(), "--repos", corpus.authorizedKeys.toString()))
                .isEqualTo(2);
        assertThat(err.lines()).singleElement().asString()
                .isEqualTo("segvault audit: " + corpus.authorizedKeys + ": the repository directory is not a directory");
    }

    @Test
    void usage_errors_exit_2() {
        assertThat(run("--authorized-keys", corpus.authorizedKeys.toString())).isEqualTo(2);
        assertThat(err).contains("Missing required option: '--repos=DIR'");

        assertThat(run("--authorized-keys", corpus.authorizedKeys.toString(), "--repos", corpus.repos.toString(),
                "--prune-key", "MD5:aa:bb")).isEqualTo(2);
        assertThat(err).contains("--prune-key: 'MD5:aa:bb' is not a SHA256 key fingerprint");
        assertThat(err).doesNotContain("Exception");
    }
}
