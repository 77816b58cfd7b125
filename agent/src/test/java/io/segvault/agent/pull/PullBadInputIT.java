package io.segvault.agent.pull;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.agent.it.BucketView;
import io.segvault.agent.it.Cli;
import io.segvault.agent.it.ConfigFile;
import io.segvault.test.BorgFixture;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input in pull mode, against the real OpenSSH server: each case is one clear line naming the host (and the
 * fingerprint presented) or the path, a non-zero exit, and nothing written to the bucket.
 */
@ExtendWith(LockedBucketExtension.class)
class PullBadInputIT {

    @TempDir
    Path tmp;

    private SftpServer server;
    private BorgFixture borg;
    private LockedBucket bucket;

    @BeforeEach
    void start(LockedBucket bucket) {
        this.bucket = bucket;
        server = SftpServer.start();
        borg = new BorgFixture(tmp);
        Path repo = server.repos().resolve("acme");
        borg.run("--umask", "0027", "init", "-e", "none", repo.toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ConfigFile config(String location) {
        return ConfigFile.forBucket(bucket, tmp.resolve("state"))
                .set("repos", List.of(Map.of("name", "acme", "path", location)))
                .set("ssh.keyFile", server.clientKey().toString())
                .set("ssh.knownHosts", server.knownHosts().toString());
    }

    /** Runs sync and checks: failed, the error is one line containing every {@code expected}, nothing offsite. */
    private String syncFails(ConfigFile config, String... expected) {
        Path file = config.write(tmp.resolve("agent-" + System.nanoTime() + ".yaml"));
        Cli.Result r = Cli.main("sync", "--config", file.toString());
        assertThat(r.exit()).as(r.both()).isNotZero();
        List<String> lines = r.err().strip().lines().toList();
        assertThat(lines).as(r.both()).hasSize(1);
        assertThat(lines.get(0)).contains(expected);
        assertThat(new BucketView(bucket).versions("")).as("objects written").isEmpty();
        return lines.get(0);
    }

    private String fingerprint() {
        String out = SftpServer.run(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", server.hostPublicKey().toString()), true)
                .output();
        return out.split(" ")[1];
    }

    @Test
    void an_unknown_host_key_is_refused_naming_host_and_fingerprint() throws IOException {
        Path other = tmp.resolve("known_hosts_other");
        // the right key, but listed for another port: a host not in the file
        Files.writeString(other, "[127.0.0.1]:1 " + Files.readString(server.hostPublicKey()).trim() + "\n");
        String line = syncFails(config(server.url("acme")).set("ssh.knownHosts", other.toString()),
                "127.0.0.1:" + server.port(), "is not in " + other, fingerprint());
        assertThat(Files.readString(other)).as("known_hosts is never written").doesNotContain(":" + server.port());
        assertThat(line).doesNotContain("Exception");
    }

    @Test
    void a_changed_host_key_is_refused_naming_host_and_the_new_fingerprint() {
        server.changeHostKey();
        syncFails(config(server.url("acme")), "127.0.0.1:" + server.port(), "CHANGED", fingerprint());
    }

    @Test
    void a_key_the_server_does_not_know_is_refused() {
        Path wrong = tmp.resolve("wrong_key");
        SftpServer.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", wrong.toString()), true);
        syncFails(config(server.url("acme")).set("ssh.keyFile", wrong.toString()), "127.0.0.1:" + server.port(),
                "refused key " + wrong, SftpServer.USER);
    }

    @Test
    void a_repository_the_account_may_not_read_is_permission_denied() {
        Path repo = server.repos().resolve("acme");
        SftpServer.run(List.of("chgrp", "root", repo.toString()), true);
        SftpServer.run(List.of("chmod", "0700", repo.toString()), true);
        syncFails(config(server.url("acme")), "acme: FAILED", "127.0.0.1:" + server.port() + "/srv/borg-repos/acme",
                "permission denied");
    }

    @Test
    void a_directory_that_is_not_a_borg_repository_is_named() throws IOException {
        Path plain = server.repos().resolve("plain");
        Files.createDirectories(plain.resolve("data"));
        SftpServer.run(List.of("chgrp", "-R", SftpServer.USER, plain.toString()), true);
        syncFails(config(server.url("plain")), "127.0.0.1:" + server.port() + "/srv/borg-repos/plain",
                "not a Borg repository");
    }

    @Test
    void a_glob_matching_nothing_is_named() {
        syncFails(config(server.url("acme")).set("repos", List.of()).set("glob", server.url("nothing-*")),
                "glob " + server.url("nothing-*"), "matches no Borg repository");
    }
}
