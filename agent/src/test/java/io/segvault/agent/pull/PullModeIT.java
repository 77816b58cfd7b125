package io.segvault.agent.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.segvault.agent.it.BucketView;
import io.segvault.agent.it.Cli;
import io.segvault.agent.it.ConfigFile;
import io.segvault.agent.it.DirSnapshot;
import io.segvault.agent.it.RunningDaemon;
import io.segvault.core.remote.SftpRepositories;
import io.segvault.core.remote.SshSettings;
import io.segvault.test.BorgFixture;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull mode against a real OpenSSH server ({@link SftpServer}): real borg create/prune/compact on the "backup server"
 * side while the vault host's daemon pulls through the read-only chrooted SFTP account; every committed transaction
 * gets a point; a restore into a third directory passes borg check and extracts identically; the account cannot
 * write; the connection is cut in the middle of a multipart upload.
 */
@ExtendWith(LockedBucketExtension.class)
class PullModeIT {

    @TempDir
    Path tmp;

    private SftpServer server;
    private BorgFixture borg;

    @BeforeEach
    void startServer() {
        server = SftpServer.start();
        borg = new BorgFixture(tmp);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** borg on the backup server: umask 0027 so the SFTP account's group can read and nobody else can. */
    private String borg(String... args) {
        List<String> all = new ArrayList<>(List.of("--umask", "0027"));
        all.addAll(List.of(args));
        return borg.run(all.toArray(String[]::new));
    }

    private Path newRepo(String name, String segmentSize) {
        Path repo = server.repos().resolve(name);
        borg("init", "-e", "none", repo.toString());
        borg("config", repo.toString(), "max_segment_size", segmentSize);
        return repo;
    }

    /**
     * borg create with the archive's time given: prune's --keep-last is borg's keep-secondly, so two archives made in
     * the same wall-clock second would count once and prune would keep an older one (it did so in CI).
     */
    private long commit(Path repo, String archive, long seed, int generation, int megabytes) {
        Path src = tmp.resolve("src-" + seed);
        BorgFixture.generateData(src, seed, generation, megabytes);
        String timestamp = String.format("2026-01-01T00:%02d:00", generation);
        borg("create", "--noctime", "--timestamp", timestamp, repo + "::" + archive, src.toString());
        return committed(repo);
    }

    private static long committed(Path repo) {
        return io.segvault.core.borg.BorgRepository.open(repo).committedTransaction().orElseThrow();
    }

    private ConfigFile pullConfig(LockedBucket bucket) {
        return ConfigFile.forBucket(bucket, tmp.resolve("state"))
                .set("glob", server.url("*"))
                .set("ssh.keyFile", server.clientKey().toString())
                .set("ssh.knownHosts", server.knownHosts().toString())
                .set("follow.pollInterval", "1s");
    }

    @Test
    void the_daemon_pulls_every_commit_prune_and_compact_and_the_restore_is_identical(LockedBucket bucket) throws IOException {
        Path repo = newRepo("acme", "1M");
        List<Long> committed = new ArrayList<>();
        committed.add(commit(repo, "a1", 7, 1, 3));
        BucketView view = new BucketView(bucket);
        Path config = pullConfig(bucket).write(tmp.resolve("agent.yaml"));
        try (RunningDaemon daemon = RunningDaemon.start(config)) {
            awaitPoint(view, committed.get(0));
            for (int g = 2; g <= 4; g++) {
                committed.add(commit(repo, "a" + g, 7, g, 3));
                awaitPoint(view, committed.get(committed.size() - 1));
            }
            borg("prune", "--keep-last", "2", repo.toString());
            committed.add(committed(repo));
            awaitPoint(view, committed.get(committed.size() - 1));
            borg("compact", repo.toString());
            committed.add(committed(repo));
            awaitPoint(view, committed.get(committed.size() - 1));
        }
        assertThat(view.pointTransactions("acme")).as("every committed transaction has a point").containsAll(committed);
        view.assertNewestPointIsCommitted("acme", repo);

        Path restored = Files.createDirectories(tmp.resolve("third-host")).resolve("acme");
        Cli.Result r = Cli.main("restore", "--config", config.toString(), "--repo", "acme", "--target", restored.toString());
        assertThat(r.exit()).as(r.both()).isZero();
        BorgFixture third = new BorgFixture(tmp.resolve("third-host-home"));
        BorgFixture.Result check = third.check(restored);
        assertThat(check.ok()).as("borg check of the restored repository: " + check.output()).isTrue();
        assertThat(archives(third, restored)).as("archives after prune --keep-last 2").containsExactly("a3", "a4")
                .isEqualTo(archives(borg, repo));
        borg.extract(repo, "a4", tmp.resolve("x-original"));
        third.extract(restored, "a4", tmp.resolve("x-restored"));
        assertThat(DirSnapshot.of(tmp.resolve("x-restored"))).as("extract from the restored repository")
                .isEqualTo(DirSnapshot.of(tmp.resolve("x-original"))).isNotEmpty();
        assertNoCredentialOnTheServer(bucket);
    }

    /** Archive names (borg's "unknown repository" warnings left out). */
    private static List<String> archives(BorgFixture fixture, Path repo) {
        return fixture.list(repo).stream().filter(line -> line.matches("a\\d+")).toList();
    }

    private void awaitPoint(BucketView view, long t) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> view.pointTransactions("acme").contains(t));
    }

    /** Nothing the backup server holds (chroot, sshd config, keys) contains the bucket credential. */
    private void assertNoCredentialOnTheServer(LockedBucket bucket) throws IOException {
        String secret = bucket.server().credentials().resolveCredentials().secretAccessKey();
        try (var walk = Files.walk(server.repos().getParent().getParent().getParent())) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).as(p.toString())
                        .doesNotContain(secret);
            }
        }
    }

    @Test
    void the_sftp_account_cannot_write(LockedBucket bucket) throws IOException {
        Path repo = newRepo("acme", "1M");
        commit(repo, "a1", 3, 1, 1);
        try (SftpRepositories sftp = new SftpRepositories(new SshSettings(server.clientKey(), null, server.knownHosts(),
                Duration.ofSeconds(10)))) {
            Path remote = sftp.locate(server.url("acme"));
            assertThat(Files.readString(remote.resolve("config"))).contains("[repository]");
            assertThatThrownBy(() -> Files.writeString(remote.resolve("intruder"), "x")).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> Files.writeString(remote.resolve("config"), "x")).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> Files.delete(remote.resolve("README"))).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> Files.createDirectory(remote.resolve("data/99"))).isInstanceOf(IOException.class);
        }
        assertThat(repo.resolve("intruder")).doesNotExist();
        assertThat(repo.resolve("README")).exists();
        assertThat(Files.readString(repo.resolve("config"))).contains("[repository]");
        assertThat(server.log()).contains("internal-sftp");
    }

    @Test
    void sshd_killed_and_restarted_in_the_middle_of_a_multipart_upload(LockedBucket bucket) {
        Path repo = server.repos().resolve("acme");
        borg("init", "-e", "none", repo.toString());
        long t = commit(repo, "big", 41, 1, 30); // one segment of about 30 MiB
        BucketView view = new BucketView(bucket);
        Path config = pullConfig(bucket)
                .set("upload.partSize", "5MiB")
                .set("upload.multipartThreshold", "5MiB")
                .set("upload.maxBandwidth", "5MiB")
                .write(tmp.resolve("slow.yaml"));
        try (RunningDaemon daemon = RunningDaemon.start(config)) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> view.uploadedParts(ConfigFile.PREFIX) > 0);
            assertThat(view.pointKeys("acme")).isEmpty();
            server.kill();
            server.restart();
            awaitPoint(view, t);
        }
        assertThat(view.openUploads(ConfigFile.PREFIX)).as("open multipart uploads").isEmpty();
        assertThat(view.keysWithSeveralVersions(ConfigFile.PREFIX)).as("keys written twice").isEmpty();
        view.assertNewestPointIsCommitted("acme", repo);
    }

    @Test
    void an_encrypted_key_is_read_with_its_passphrase_file_and_a_wrong_passphrase_is_one_line() throws IOException {
        newRepo("acme", "1M");
        Path key = tmp.resolve("encrypted_key");
        Files.copy(server.clientKey(), key);
        SftpServer.run(List.of("ssh-keygen", "-q", "-p", "-N", "correct horse", "-f", key.toString()), true);
        Path passphrase = Files.writeString(tmp.resolve("passphrase"), "correct horse\n");
        try (SftpRepositories sftp = new SftpRepositories(new SshSettings(key, passphrase, server.knownHosts(),
                Duration.ofSeconds(10)))) {
            assertThat(Files.isRegularFile(sftp.locate(server.url("acme")).resolve("config"))).isTrue();
        }
        Path wrong = Files.writeString(tmp.resolve("wrong"), "battery staple\n");
        assertThatThrownBy(() -> new SftpRepositories(new SshSettings(key, wrong, server.knownHosts(), Duration.ofSeconds(10))))
                .isInstanceOf(io.segvault.core.remote.RemoteRepositoryException.class)
                .hasMessageStartingWith("ssh.keyFile " + key + ": cannot load the private key with the passphrase in"
                        + " ssh.passphraseFile " + wrong)
                .hasMessageNotContaining("\n");
    }
}
