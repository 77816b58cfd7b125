import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.sftp.client.fs.SftpFileSystemProvider;
import java.net.URI;
import java.nio.file.FileSystem;
import java.io.InputStream;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.fs.SftpFileSystem;

/**
 * How fast Apache MINA SSHD's SFTP file system reads one file through a real sshd, and what it costs this JVM in CPU,
 * per cipher and key exchange: the part of pull mode's cost that is not segvault's. Reads the file with 1 MiB
 * positional reads, as segvault's hashing read did before the spool, or (9th argument: request size; 0 = positional reads) through MINA's
 * pipelined read-ahead stream, three connections and reads, the first in a cold JVM. Prints
 * {@code <cipher> <kex> connect <s> cpu <s> read <s> cpu <s> <MiB/s>}.
 *
 * <p>{@code java -cp agent/target/segvault.jar bench/SftpReadSpeed.java USER HOST PORT KEY KNOWN_HOSTS FILE CIPHER KEX [REQUEST]}
 * (bench/pull-mode.sh prints the arguments of its sshd when PULL_BENCH_PROBE=1).
 */
public final class SftpReadSpeed {

    private SftpReadSpeed() {
    }

    public static void main(String[] a) throws Exception {
        String user = a[0], host = a[1], file = a[5];
        int port = Integer.parseInt(a[2]);
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(new KnownHostsServerKeyVerifier((s, r, k) -> false, Path.of(a[4])));
        client.setKeyIdentityProvider(new FileKeyPairProvider(Path.of(a[3])));
        client.setCipherFactories(List.<NamedFactory<org.apache.sshd.common.cipher.Cipher>>of(BuiltinCiphers.fromFactoryName(a[6])));
        client.setKeyExchangeFactories(List.<KeyExchangeFactory>of(
                org.apache.sshd.client.ClientBuilder.DH2KEX.apply(BuiltinDHFactories.fromFactoryName(a[7]))));
        // PROBE_PACKET / PROBE_WINDOW: the channel's largest packet and window the client announces (MINA's defaults
        // 32 KiB and 2 MiB when unset)
        if (System.getenv("PROBE_PACKET") != null && !System.getenv("PROBE_PACKET").isEmpty()) {
            org.apache.sshd.core.CoreModuleProperties.MAX_PACKET_SIZE.set(client, Long.parseLong(System.getenv("PROBE_PACKET")));
        }
        if (System.getenv("PROBE_WINDOW") != null && !System.getenv("PROBE_WINDOW").isEmpty()) {
            org.apache.sshd.core.CoreModuleProperties.WINDOW_SIZE.set(client, Long.parseLong(System.getenv("PROBE_WINDOW")));
        }
        // TCP_NODELAY as segvault sets it (PROBE_NODELAY=0: MINA's default, Nagle on)
        org.apache.sshd.core.CoreModuleProperties.TCP_NODELAY.set(client, !"0".equals(System.getenv("PROBE_NODELAY")));
        client.start();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        SftpFileSystemProvider provider = new SftpFileSystemProvider(client);
        for (int round = 0; round < 3; round++) {
            long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
            try (FileSystem fs = provider.newFileSystem(new URI("sftp://" + user + "@" + host + ":" + port + "/"), Map.of())) {
                java.nio.file.Files.size(fs.getPath(file));
                long c1 = os.getProcessCpuTime(), t1 = System.nanoTime();
                long n = 0;
                if (a.length > 8 && !"0".equals(a[8])) { // pipelined: MINA's read-ahead stream, requests of a[8] bytes
                    try (SftpClient sftp = ((SftpFileSystem) fs).getClient();
                         InputStream in = sftp.read(file, Integer.parseInt(a[8]))) {
                        byte[] buf = new byte[1 << 20];
                        int r;
                        while ((r = in.read(buf)) >= 0) {
                            n += r;
                        }
                    }
                } else {
                    try (FileChannel ch = FileChannel.open(fs.getPath(file), StandardOpenOption.READ)) {
                        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
                        int r;
                        while ((r = ch.read(buf)) >= 0) {
                            n += r;
                            buf.clear();
                        }
                    }
                }
                long c2 = os.getProcessCpuTime(), t2 = System.nanoTime();
                {
                    System.out.printf("%s %s %s %s connect %.2f s cpu %.2f s read %.2f s cpu %.2f s %.0f MiB/s%n", a[6], a[7],
                            a.length > 8 && !"0".equals(a[8]) ? "stream/" + a[8] : "channel",
                            round == 0 ? "cold" : "warm", (t1 - t0) / 1e9, (c1 - c0) / 1e9, (t2 - t1) / 1e9, (c2 - c1) / 1e9, n / 1048576.0 / ((t2 - t1) / 1e9));
                }
            }
        }
        client.stop();
    }
}
