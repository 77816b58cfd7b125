package io.segvault.core.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.core.borg.BorgRepository;
import io.segvault.core.borg.FakeRepo;
import io.segvault.core.borg.Fingerprint;
import io.segvault.core.borg.SegmentFile;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segment listing of a repository read over SFTP takes each segment's size and modification time from the
 * directory listing's reply instead of one STAT round trip per segment; what it finds is what a STAT of each file
 * finds. Against MINA's SFTP server in this JVM, which counts the requests it receives (the pull-mode ITs run the
 * same code against OpenSSH's sshd).
 */
class SftpListingTest {

    private static final int SEGMENTS = 250;

    @TempDir
    Path tmp;

    @Test
    void theListingOverSftpAsksNoStatPerSegmentAndFindsWhatAStatFinds() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path repoDir = root.resolve("srv/acme");
        FakeRepo repo = FakeRepo.create(repoDir, 100);
        for (int n = 0; n < SEGMENTS; n++) {
            repo.dataSegment(n, 1, 16 + n);
        }
        // a symbolic link among the segments: the listing does not say what it points to, so it is asked again
        Files.createSymbolicLink(repo.segmentPath(SEGMENTS), Path.of(Long.toString(SEGMENTS - 1)));
        List<SegmentFile> local = BorgRepository.open(repoDir).segments();

        AtomicInteger stats = new AtomicInteger();
        KeyPair client = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        try (SshServer server = server(root, client, stats)) {
            SshSettings settings = settings(server, client);
            try (SftpRepositories sftp = new SftpRepositories(settings)) {
                Path remote = sftp.locate("sftp://segvault@127.0.0.1:" + server.getPort() + "/srv/acme");
                BorgRepository opened = BorgRepository.open(remote);
                int before = stats.get();

                List<SegmentFile> listed = opened.segments();

                int asked = stats.get() - before;
                assertThat(listed).extracting(SegmentFile::number).containsExactlyElementsOf(
                        local.stream().map(SegmentFile::number).toList());
                assertThat(listed).extracting(SegmentFile::size).containsExactlyElementsOf(
                        local.stream().map(SegmentFile::size).toList());
                // the three data directories (is each a directory?) and the symbolic link, not 251 segments
                assertThat(asked).isLessThanOrEqualTo(4);
                for (SegmentFile s : listed) {
                    assertThat(Fingerprint.read(s.path())).as("segment %d", s.number()).isEqualTo(s.fingerprint());
                }
            }
        }
    }

    private static SshServer server(Path root, KeyPair client, AtomicInteger stats) throws Exception {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256)));
        sshd.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, client.getPublic()));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder().build();
        sftp.addSftpEventListener(new SftpEventListener() {
            @Override
            public void received(ServerSession session, int type, int id) {
                if (type == SftpConstants.SSH_FXP_STAT || type == SftpConstants.SSH_FXP_LSTAT) {
                    stats.incrementAndGet();
                }
            }
        });
        sshd.setSubsystemFactories(List.of(sftp));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.start();
        return sshd;
    }

    private SshSettings settings(SshServer server, KeyPair client) throws Exception {
        Path key = tmp.resolve("id_ecdsa");
        try (OutputStream out = Files.newOutputStream(key)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(client, "test", (OpenSSHKeyEncryptionContext) null, out);
        }
        Path knownHosts = tmp.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + server.getPort() + " "
                + PublicKeyEntry.toString(server.getKeyPairProvider().loadKeys(null).iterator().next().getPublic()) + "\n");
        return new SshSettings(key, null, knownHosts, Duration.ofSeconds(15));
    }
}
