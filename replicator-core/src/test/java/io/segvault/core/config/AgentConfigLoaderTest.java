package io.segvault.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigLoaderTest {

    @TempDir
    Path tmp;

    private Path write(String yaml) throws IOException {
        Path f = tmp.resolve("agent.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void minimal_file_gets_the_documented_defaults() throws IOException {
        AgentConfig c = AgentConfigLoader.load(write("bucket: b\nrepos:\n  - name: acme\n    path: /srv/borg/acme\n"));
        assertThat(c.store().bucket()).isEqualTo("b");
        assertThat(c.store().region()).isEqualTo("us-east-1");
        assertThat(c.store().prefix()).isEmpty();
        assertThat(c.retention().duration()).isEqualTo(Duration.ofDays(30));
        assertThat(c.retention().generation()).isEqualTo(Duration.ofDays(10));
        assertThat(c.upload().partSize()).isEqualTo(16L << 20);
        assertThat(c.repos()).containsExactly(new AgentConfig.RepoSpec("acme", Path.of("/srv/borg/acme")));
        assertThat(c.follow().events()).isTrue();
        assertThat(c.audit().enabled()).isFalse();
        assertThat(c.drill().enabled()).isFalse();
    }

    @Test
    void full_file() throws IOException {
        AgentConfig c = AgentConfigLoader.load(write("""
                bucket: vault
                endpoint: http://127.0.0.1:7480
                region: eu-west-1
                pathStyle: true
                prefix: borg/
                glob: /srv/borg-repos/*
                state: /var/lib/segvault
                retention:
                  duration: 20s
                  generation: 5s
                upload:
                  concurrency: 2
                  partSize: 8MiB
                  multipartThreshold: 8MiB
                  maxBandwidth: 50MiB
                """));
        assertThat(c.store().endpoint()).hasToString("http://127.0.0.1:7480");
        assertThat(c.store().pathStyle()).isTrue();
        assertThat(c.globs()).containsExactly("/srv/borg-repos/*");
        assertThat(c.retention().duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.upload().maxBandwidth()).isEqualTo(50L << 20);
    }

    @Test
    void malformed_yaml_names_line_and_column() throws IOException {
        Path f = write("bucket: b\nrepos: [\n  - name: x\n");
        assertThatThrownBy(() -> AgentConfigLoader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("malformed YAML at line");
    }

    @Test
    void unknown_key_is_named_with_a_suggestion() throws IOException {
        Path f = write("bucket: b\nglob: /x/*\nupload:\n  partsize: 8MiB\n");
        assertThatThrownBy(() -> AgentConfigLoader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'upload.partsize' (did you mean 'upload.partSize'?)");
    }

    @Test
    void wrong_types_and_values_name_their_keys_all_at_once() throws IOException {
        Path f = write("""
                bucket: b
                glob: /x/*
                pathStyle: maybe
                upload:
                  concurrency: many
                  partSize: 1KiB
                retention:
                  duration: 0d
                  generation: 10
                """);
        assertThatThrownBy(() -> AgentConfigLoader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'pathStyle' must be true or false, got 'maybe'")
                .hasMessageContaining("'upload.concurrency' must be an integer, got 'many'")
                .hasMessageContaining("'upload.partSize' must be between 5MiB and 5GiB")
                .hasMessageContaining("'retention.duration' must be positive")
                .hasMessageContaining("'retention.generation' must be a duration with a unit");
    }

    @Test
    void retention_shorter_than_a_generation_names_both_keys() throws IOException {
        Path f = write("bucket: b\nglob: /x/*\nretention:\n  duration: 5d\n  generation: 10d\n");
        assertThatThrownBy(() -> AgentConfigLoader.load(f))
                .hasMessageContaining("'retention.duration' (5d) must not be shorter than 'retention.generation' (10d)");
    }

    @Test
    void missing_bucket_and_repositories() throws IOException {
        assertThatThrownBy(() -> AgentConfigLoader.load(write("region: x\n")))
                .hasMessageContaining("missing required key 'bucket'");
        assertThatThrownBy(() -> AgentConfigLoader.load(write("bucket: b\n")))
                .hasMessageContaining("no repositories");
    }

    @Test
    void repository_entries_are_checked() throws IOException {
        Path f = write("bucket: b\nrepos:\n  - name: ../x\n    path: /a\n  - name: a\n  - name: ok\n    path: /b\n  - name: ok\n    path: /c\n");
        assertThatThrownBy(() -> AgentConfigLoader.load(f))
                .hasMessageContaining("'repos[0]'.name: repository name '../x'")
                .hasMessageContaining("'repos[1]' must have exactly the keys 'name' and 'path'")
                .hasMessageContaining("'repos[3]'.name: repository name 'ok' is used twice");
    }

    @Test
    void missing_file_and_empty_file() throws IOException {
        assertThatThrownBy(() -> AgentConfigLoader.load(tmp.resolve("nope.yaml"))).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> AgentConfigLoader.load(write(""))).hasMessageContaining("empty");
        assertThatThrownBy(() -> AgentConfigLoader.load(write("- a\n- b\n"))).hasMessageContaining("must be a mapping");
    }

    @Test
    void bad_prefix_and_endpoint() throws IOException {
        Path f = write("bucket: b\nglob: /x/*\nprefix: /abs\nendpoint: ftp://x\n");
        assertThatThrownBy(() -> AgentConfigLoader.load(f)).hasMessageContaining("'prefix'").hasMessageContaining("'endpoint' must be an http(s) URL");
    }

    @Test
    void plain_http_to_another_host_is_refused_unless_allowed_and_loopback_always_passes() throws IOException {
        String base = "bucket: b\nglob: /x/*\n";
        Path remote = write(base + "endpoint: http://s3.example.net:7480\n");
        assertThatThrownBy(() -> AgentConfigLoader.load(remote)).isInstanceOf(ConfigException.class)
                .hasMessage(remote + ": 'endpoint' http://s3.example.net:7480 is plain HTTP to another host: anyone on the path"
                        + " could read the requests and forge the answers (restore points, listings); use https://, or set"
                        + " 'allowInsecureHttp: true' to accept that");

        AgentConfig allowed = AgentConfigLoader.load(write(base + "endpoint: http://s3.example.net:7480\nallowInsecureHttp: true\n"));
        assertThat(allowed.store().endpoint()).hasToString("http://s3.example.net:7480");
        assertThat(allowed.store().allowInsecureHttp()).isTrue();
        assertThat(AgentConfigLoader.load(write(base + "endpoint: http://127.0.0.1:7480\n")).store().allowInsecureHttp()).isFalse();
        assertThat(AgentConfigLoader.load(write(base + "endpoint: https://s3.example.net\n")).store().endpoint()).isNotNull();
    }
}
