package io.segvault.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sftp:// repositories and the ssh.* / follow.pollInterval keys of pull mode. */
class PullModeConfigTest {

    @TempDir
    Path tmp;

    private Path write(String yaml) throws IOException {
        return Files.writeString(tmp.resolve("agent.yaml"), yaml);
    }

    @Test
    void sftp_repositories_and_ssh_settings_are_read() throws IOException {
        AgentConfig c = AgentConfigLoader.load(write("""
                bucket: b
                repos:
                  - name: acme
                    path: sftp://vault@backup1:2222/srv/borg-repos/acme
                glob: sftp://vault@backup1/srv/borg-repos/*
                ssh:
                  keyFile: /etc/segvault/id_ed25519
                  knownHosts: /etc/segvault/known_hosts
                follow:
                  pollInterval: 5s
                """));
        assertThat(c.pullMode()).isTrue();
        assertThat(c.repos()).singleElement().satisfies(r -> {
            assertThat(r.remote()).isTrue();
            assertThat(r.location()).isEqualTo("sftp://vault@backup1:2222/srv/borg-repos/acme");
        });
        assertThat(c.ssh().keyFile()).isEqualTo(Path.of("/etc/segvault/id_ed25519"));
        assertThat(c.ssh().passphraseFile()).isNull();
        assertThat(c.ssh().connectTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.follow().pollInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void the_poll_interval_defaults_to_30_seconds_and_local_configs_are_not_pull_mode() throws IOException {
        AgentConfig c = AgentConfigLoader.load(write("bucket: b\nglob: /srv/borg-repos/*\n"));
        assertThat(c.follow().pollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.pullMode()).isFalse();
    }

    @Test
    void sftp_without_key_or_known_hosts_is_refused_naming_both() throws IOException {
        Path f = write("bucket: b\nglob: sftp://vault@backup1/srv/borg-repos/*\n");
        assertThatThrownBy(() -> AgentConfigLoader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'ssh.keyFile' is required with sftp:// repositories")
                .hasMessageContaining("'ssh.knownHosts' is required with sftp:// repositories");
    }

    @Test
    void malformed_sftp_locations_are_refused_naming_the_entry() throws IOException {
        Path f = write("""
                bucket: b
                repos:
                  - name: nouser
                    path: sftp://backup1/srv/borg-repos/a
                  - name: password
                    path: sftp://vault:secret@backup1/srv/a
                  - name: relative
                    path: sftp://vault@backup1
                ssh: {keyFile: /k, knownHosts: /kh}
                """);
        assertThatThrownBy(() -> AgentConfigLoader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'repos[0]'.path sftp://backup1/srv/borg-repos/a: needs a user")
                .hasMessageContaining("'repos[1]'.path sftp://vault:secret@backup1/srv/a: needs a user and no password")
                .hasMessageContaining("'repos[2]'.path sftp://vault@backup1: needs an absolute path");
    }

    @Test
    void the_local_locator_refuses_sftp_and_resolve_local_leaves_remote_entries_out() throws IOException {
        AgentConfig c = AgentConfigLoader.load(write("""
                bucket: b
                repos:
                  - {name: here, path: /srv/here}
                  - {name: there, path: "sftp://vault@backup1/srv/there"}
                ssh: {keyFile: /k, knownHosts: /kh}
                """));
        assertThat(RepoResolver.resolveLocal(c)).isEqualTo(Map.of("here", Path.of("/srv/here")));
        assertThatThrownBy(() -> RepoResolver.resolve(c)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("sftp://vault@backup1/srv/there: sftp:// repositories need");
        assertThat(RepoResolver.resolveRemote(c, location -> Path.of("/mnt/remote" + location.substring(20))))
                .isEqualTo(Map.of("there", Path.of("/mnt/remote/srv/there")));
    }
}
