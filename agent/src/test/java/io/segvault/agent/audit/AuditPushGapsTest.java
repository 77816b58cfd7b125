package io.segvault.agent.audit;

import static io.segvault.agent.audit.SshClientKey.KeyPairType.ED25519;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push-mode gaps closed with pull mode: --restrict-to-path over a directory of repositories, environment= options
 * and variables that load code set inside command=.
 */
class AuditPushGapsTest {

    @TempDir
    Path dir;

    private List<String> findings(String options) throws Exception {
        Path repos = dir.resolve("repos");
        for (String name : List.of("alice", "bob")) {
            Files.createDirectories(repos.resolve(name));
            Files.writeString(repos.resolve(name).resolve("config"), "[repository]\nappend_only = 1\n");
        }
        SshClientKey key = SshClientKey.inMemory(ED25519);
        Path file = Files.writeString(dir.resolve("authorized_keys"),
                key.authorizedKeysLine(options.replace("REPOS", repos.toString()) + ",restrict,from=\"10.0.0.5\"", "k") + "\n");
        return new FenceAudit(List.of()).audit(List.of(file), repos).findings().stream()
                .map(f -> f.severity() + " " + f.code() + ": " + f.message()).toList();
    }

    @Test
    void restrict_to_path_over_the_repository_directory_is_critical() throws Exception {
        List<String> f = findings("command=\"borg serve --append-only --restrict-to-path REPOS\"");
        assertThat(f).singleElement().asString().startsWith("CRITICAL RESTRICT_TO_SHARED_PATH: --restrict-to-path "
                + dir.resolve("repos") + " holds 2 repositories").contains("can create new ones");
    }

    @Test
    void restrict_to_path_naming_one_repository_is_fine() throws Exception {
        assertThat(findings("command=\"borg serve --append-only --restrict-to-path REPOS/alice\"")).isEmpty();
    }

    @Test
    void code_loading_variables_in_the_forced_command_are_critical() throws Exception {
        assertThat(findings("command=\"LD_PRELOAD=/tmp/x.so borg serve --append-only --restrict-to-repository REPOS/alice\""))
                .singleElement().asString().startsWith("CRITICAL COMMAND_ENVIRONMENT: the forced command sets LD_PRELOAD");
        assertThat(findings("command=\"PYTHONPATH=/home/x borg serve --append-only --restrict-to-repository REPOS/alice\""))
                .singleElement().asString().startsWith("CRITICAL COMMAND_ENVIRONMENT: the forced command sets PYTHONPATH");
        assertThat(findings("command=\"BORG_HOSTNAME_IS_UNIQUE=yes borg serve --append-only --restrict-to-repository"
                + " REPOS/alice\"")).isEmpty();
    }

    @Test
    void environment_options_are_critical() throws Exception {
        assertThat(findings("environment=\"PYTHONPATH=/tmp\",command=\"borg serve --append-only"
                + " --restrict-to-repository REPOS/alice\"")).singleElement().asString()
                .startsWith("CRITICAL ENVIRONMENT_OPTION: environment=\"PYTHONPATH=/tmp\": with PermitUserEnvironment yes");
    }

    @Test
    void the_prune_key_also_used_as_a_client_key_is_critical() throws Exception {
        Path repos = dir.resolve("repos");
        Files.createDirectories(repos.resolve("alice"));
        Files.writeString(repos.resolve("alice/config"), "[repository]\nappend_only = 1\n");
        SshClientKey key = SshClientKey.inMemory(ED25519);
        String repo = repos.resolve("alice").toString();
        Path file = Files.writeString(dir.resolve("authorized_keys"), key.authorizedKeysLine("command=\"borg serve"
                + " --append-only --restrict-to-repository " + repo + "\",restrict,from=\"10.0.0.5\"", "client") + "\n"
                + key.authorizedKeysLine("command=\"borg serve --restrict-to-repository " + repo + "\",restrict,"
                + "from=\"10.0.0.9\"", "prune") + "\n");
        List<String> f = new FenceAudit(List.of(key.fingerprint())).audit(List.of(file), repos).findings().stream()
                .map(x -> x.severity() + " " + x.code() + " " + x.source()).toList();
        assertThat(f).contains("CRITICAL PRUNE_KEY_DUPLICATE " + file + ":2").doesNotContain("WARNING DUPLICATE_KEY " + file + ":2");
    }
}
