package io.segvault.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segvault.agent.Main;
import io.segvault.agent.commands.AuditCommand;
import io.segvault.test.BorgFixture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import io.segvault.core.restore.PointRef;
import io.segvault.core.restore.RestoreProgress;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import io.segvault.test.ReplicationRig;
import java.time.Duration;
import java.time.Instant;

/**
 * The fences of docs/ssh-fences.md on a real SSH path: OpenSSH's ssh client, an embedded MINA SSHD server that runs the
 * forced command from authorized_keys, and the real {@code borg serve}. The audit of that server's authorized_keys
 * passes, and fails once a plain {@code command="borg serve"} key is appended.
 */
@ExtendWith(LockedBucketExtension.class)
class SshFenceIT {

    @TempDir
    Path dir;
    private Path repos;
    private Path clientRepo;
    private Path otherRepo;
    private Path authorizedKeys;
    private SshClientKey client;
    private SshClientKey prune;
    private BorgFixture clientHost;
    private BorgFixture pruneHost;
    private BorgFixture admin;
    private BorgSshServer server;
    private String lastOut;

    @BeforeEach
    void backupServer() throws IOException {
        repos = Files.createDirectories(dir.resolve("srv/borg-repos"));
        clientRepo = repos.resolve("acme-web");
        otherRepo = repos.resolve("acme-db");
        clientHost = new BorgFixture(dir.resolve("acme-web-host"));
        pruneHost = new BorgFixture(dir.resolve("prune-host"));
        admin = new BorgFixture(dir.resolve("backup-server-admin"));
        admin.run("init", "-e", "repokey-blake2", "--append-only", otherRepo.toString());
        client = SshClientKey.generate(dir.resolve("keys"), "acme-web");
        prune = SshClientKey.generate(dir.resolve("keys"), "prune");
        authorizedKeys = dir.resolve("borg-home/.ssh/authorized_keys");
        Files.createDirectories(authorizedKeys.getParent());
        Files.writeString(authorizedKeys,
                client.authorizedKeysLine("command=\"borg serve --append-only --restrict-to-repository " + clientRepo
                        + "\",restrict,from=\"127.0.0.1\"", "backup@acme-web") + "\n"
                + prune.authorizedKeysLine("command=\"borg serve --restrict-to-repository " + clientRepo
                        + "\",restrict,from=\"127.0.0.1\"", "prune@ops") + "\n");
        server = BorgSshServer.start(authorizedKeys, dir.resolve("sshd"));
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void fences_hold_over_ssh_and_the_audit_tells_a_good_server_from_a_bad_one() throws Exception {
        backUpThroughTheForcedCommand();
        clientKeyCannotDeleteOrReachAnotherRepository();
        pruneHostPrunesAndCompacts();

        assertThat(audit()).isZero();

        SshClientKey rogue = SshClientKey.generate(dir.resolve("keys"), "rogue");
        Files.writeString(authorizedKeys, rogue.authorizedKeysLine("command=\"borg serve\"", "new-admin") + "\n",
                StandardOpenOption.APPEND);
        assertThat(audit()).isEqualTo(AuditCommand.EXIT_FINDINGS);
        JsonNode findings = new ObjectMapper().readTree(lastOut).get("findings");
        List<String> rogueCodes = new ArrayList<>();
        for (JsonNode f : findings) {
            if (!f.get("severity").asText().equals("INFO")) {
                assertThat(f.get("fingerprint").asText()).isEqualTo(rogue.fingerprint());
                rogueCodes.add(f.get("code").asText());
            }
        }
        assertThat(rogueCodes).containsExactly("NO_APPEND_ONLY", "NO_REPOSITORY_RESTRICTION", "NOT_RESTRICTED");

        // the finding is a real hole: that key reaches the repository the client key could not ...
        BorgFixture rogueHost = new BorgFixture(dir.resolve("rogue-host"));
        BorgFixture.Result list = server.borg(rogueHost, rogue, null, "list", server.url(otherRepo));
        assertThat(list.ok()).as(list.output()).isTrue();
        // ... and only append_only = 1 in the repository config still stops it from deleting a repository
        BorgFixture.Result delete = server.borg(rogueHost, rogue, null, "delete", server.url(clientRepo));
        assertThat(delete.output()).contains("is in append-only mode");
        assertThat(admin.list(clientRepo)).containsExactly("a3");
    }

    /**
     * The whole deployment: clients back up through the append-only fence, segvault replicates, the prune host
     * prunes and compacts in a prune window; the restore point taken before the prune brings the pruned archives
     * back, and borg check passes on it.
     */
    @Test
    void history_pruned_on_the_server_comes_back_from_the_locked_bucket(LockedBucket bucket) throws Exception {
        backUpThroughTheForcedCommand();
        try (ReplicationRig rig = new ReplicationRig(bucket, dir.resolve("segvault-state"), "borg/",
                new RetentionPolicy(Duration.ofDays(2), Duration.ofDays(1)))) {
            long beforePrune = rig.pass().run("acme-web", clientRepo).transaction();
            pruneHostPrunesAndCompacts();
            long afterPrune = rig.pass().run("acme-web", clientRepo).transaction();
            assertThat(afterPrune).isGreaterThan(beforePrune);
            assertThat(audit()).as("the fences are intact after the prune window").isZero();

            PointRef old = rig.catalog().select("acme-web", Long.toString(beforePrune), null, Instant.now());
            Path restored = dir.resolve("restored-acme-web");
            rig.restorer().restore(old, restored, RestoreProgress.NONE);
            BorgFixture freshHost = new BorgFixture(dir.resolve("fresh-host"));
            assertThat(freshHost.list(restored)).containsExactly("a1", "a2", "a3");
            assertThat(freshHost.check(restored).ok()).isTrue();
            assertThat(admin.list(clientRepo)).as("the live repository really lost them").containsExactly("a3");
        }
    }

    private void backUpThroughTheForcedCommand() throws IOException {
        expectOk(server.borg(clientHost, client, null, "init", "-e", "repokey-blake2", server.url(clientRepo)));
        // borg init through serve --append-only writes append_only = 0 (BORG-FORMAT.md §10); the admin pins it
        assertThat(RepositoryScanner.readConfig(Files.readString(clientRepo.resolve("config"))).appendOnly()).isEqualTo("0");
        admin.config(clientRepo, "append_only", "1");
        Path source = dir.resolve("acme-web-data");
        for (int generation = 1; generation <= 3; generation++) {
            BorgFixture.generateData(source, 42, generation, 2);
            expectOk(server.borg(clientHost, client, source, "create", "--noctime",
                    server.url(clientRepo) + "::a" + generation, "."));
        }
        assertThat(server.executions()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.fingerprint()).isEqualTo(client.fingerprint());
            assertThat(e.requested()).startsWith("borg serve");
            assertThat(e.ran()).isEqualTo("borg serve --append-only --restrict-to-repository " + clientRepo);
        });
        assertThat(admin.list(clientRepo)).containsExactly("a1", "a2", "a3");
    }

    private void clientKeyCannotDeleteOrReachAnotherRepository() {
        BorgFixture.Result delete = server.borg(clientHost, client, null, "delete", server.url(clientRepo));
        assertThat(delete.exitCode()).as(delete.output()).isEqualTo(2);
        assertThat(delete.output()).contains("is in append-only mode");
        assertThat(clientRepo.resolve("config")).exists();

        BorgFixture.Result other = server.borg(clientHost, client, null, "list", server.url(otherRepo));
        assertThat(other.ok()).isFalse();
        assertThat(other.output()).contains("Repository path not allowed");

        BorgFixture.Result sneaky = server.borg(clientHost, client, null, "init", "-e", "repokey-blake2",
                server.url(repos.resolve("sneaky")));
        assertThat(sneaky.ok()).isFalse();
        assertThat(repos.resolve("sneaky")).doesNotExist();
        assertThat(admin.list(clientRepo)).containsExactly("a1", "a2", "a3");
    }

    private void pruneHostPrunesAndCompacts() {
        long before = dataBytes(clientRepo);
        expectOk(server.borg(pruneHost, prune, null, "prune", "--keep-last", "1", server.url(clientRepo)));
        expectOk(server.borg(pruneHost, prune, null, "compact", server.url(clientRepo)));
        long appendOnlyConfig = dataBytes(clientRepo);
        // append_only = 1 in the config makes the prune host's session append-only too: compact frees nothing
        assertThat(appendOnlyConfig).isGreaterThanOrEqualTo(before);

        admin.config(clientRepo, "append_only", "0");
        expectOk(server.borg(pruneHost, prune, null, "compact", server.url(clientRepo)));
        admin.config(clientRepo, "append_only", "1");
        long compacted = dataBytes(clientRepo);
        assertThat(compacted).isLessThan(before);
        System.out.printf("data/ bytes: before prune %d, after prune+compact with append_only=1 %d,"
                + " after compact in the prune window %d%n", before, appendOnlyConfig, compacted);

        expectOk(server.borg(pruneHost, prune, null, "check", server.url(clientRepo)));
        assertThat(admin.list(clientRepo)).containsExactly("a3");
        assertThat(admin.check(clientRepo).ok()).isTrue();
    }

    private int audit() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "audit", "--json",
                "--authorized-keys", authorizedKeys.toString(), "--repos", repos.toString(),
                "--prune-key", prune.fingerprint());
        lastOut = out.toString();
        assertThat(err.toString()).isEmpty();
        return code;
    }

    private static void expectOk(BorgFixture.Result r) {
        assertThat(r.ok()).as("borg exited %d:%n%s", r.exitCode(), r.output()).isTrue();
    }

    private static long dataBytes(Path repo) {
        try (Stream<Path> files = Files.walk(repo.resolve("data"))) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
