package io.segvault.core.remote;

import io.segvault.core.borg.ListedAttributes;
import io.segvault.core.borg.PathLabels;
import io.segvault.core.borg.SegmentSpool;
import io.segvault.core.config.RepoLocator;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.fs.SftpFileSystem;
import org.apache.sshd.sftp.client.fs.SftpFileSystemProvider;
import org.apache.sshd.sftp.client.fs.SftpPath;
import org.apache.sshd.sftp.client.fs.SftpPosixFileAttributes;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pull mode: locates {@code sftp://user@host[:port]/path} repositories as paths on one SFTP file system per
 * {@code user@host:port} (Apache MINA SSHD), so the borg model reads them through {@code java.nio.file.Files} as it
 * reads local ones. Reads only: nothing here opens a remote file for writing.
 *
 * <p>Each file system reconnects by itself when its session drops: the next file operation opens a new session (after
 * {@link SessionFactory}'s backoff), so paths handed out stay valid. Host keys are checked against
 * {@link SshSettings#knownHosts()} only ({@link StrictHostKeys}); the client ignores {@code ~/.ssh/config} and
 * {@code ~/.ssh/id_*}: it authenticates with {@link SshSettings#keyFile()} alone.
 */
public final class SftpRepositories implements RepoLocator, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SftpRepositories.class);
    /**
     * Size of each read request of a pipelined read (below OpenSSH's 255 KiB cap); the SSH channel's window (2 MiB)
     * divided by this is the number of requests in flight.
     */
    static final int READ_REQUEST = 64 * 1024;

    /**
     * How the spool reads segments on SFTP file systems: MINA's read-ahead stream, many read requests in flight, instead
     * of one synchronous request per read of a channel (measured 3 to 5 x faster on the loopback test machine, see
     * docs/benchmarks.md). Local paths are not copied.
     */
    public static final SegmentSpool.Reader SPOOL_READER = new SegmentSpool.Reader() {
        @Override
        public boolean copies(Path segment) {
            return segment.getFileSystem() instanceof SftpFileSystem;
        }

        @Override
        public InputStream open(Path segment) throws IOException {
            SftpClient client = ((SftpFileSystem) segment.getFileSystem()).getClient();
            try {
                InputStream in = client.read(segment.toAbsolutePath().toString(), READ_REQUEST);
                return new FilterInputStream(in) {
                    @Override
                    public void close() throws IOException {
                        try (client) {
                            super.close();
                        }
                    }
                };
            } catch (SftpException e) {
                client.close();
                if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
                    NoSuchFileException gone = new NoSuchFileException(segment.toString());
                    gone.initCause(e);
                    throw gone;
                }
                throw e;
            } catch (IOException | RuntimeException e) {
                client.close();
                throw e;
            }
        }
    };

    private final SshClient client;
    private final SftpFileSystemProvider provider;
    private final Map<String, FileSystem> systems = new ConcurrentHashMap<>();

    /**
     * Starts the SSH client (no connection yet) after loading the key.
     *
     * @throws RemoteRepositoryException when the key, its passphrase or the known_hosts file cannot be read
     */
    public SftpRepositories(SshSettings settings) {
        if (!Files.isReadable(settings.knownHosts())) {
            throw new RemoteRepositoryException("ssh.knownHosts " + settings.knownHosts() + ": cannot read the file (it"
                    + " must list every backup server's host key; segvault never adds one)", null);
        }
        KeyIdentityProvider keys = loadKey(settings);
        client = SshClient.setUpDefaultClient();
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        StrictHostKeys hostKeys = new StrictHostKeys(settings.knownHosts());
        client.setServerKeyVerifier(hostKeys);
        client.setKeyIdentityProvider(keys);
        tune(client);
        client.start();
        provider = new SftpFileSystemProvider(client);
        provider.setSftpFileSystemClientSessionInitializer(new SessionFactory(settings, hostKeys));
    }

    /**
     * The transport settings of pull mode's reads: AES-GCM offered first ({@link #gcmFirst}) and TCP_NODELAY on the
     * socket. Without TCP_NODELAY, Nagle's algorithm held each small SFTP read request back until the previous one was
     * acknowledged: a 256 MiB read in a fresh JVM took 3.1 to 3.3 s with it and 1.8 to 2.2 s without
     * (docs/benchmarks.md, "Pull mode: TCP_NODELAY").
     */
    static void tune(SshClient client) {
        client.setCipherFactories(gcmFirst(client.getCipherFactories()));
        CoreModuleProperties.TCP_NODELAY.set(client, true);
    }

    /**
     * The ciphers offered, AES-GCM first (the client's order decides): the JDK runs AES-GCM on the CPU's AES and
     * carry-less multiply instructions, while MINA's ChaCha20-Poly1305, first by default, is plain Java and was the
     * largest CPU cost of reading a segment (profile in docs/benchmarks.md). Both are authenticated ciphers of the
     * same strength; nothing is removed from the list.
     */
    static List<NamedFactory<Cipher>> gcmFirst(List<NamedFactory<Cipher>> offered) {
        List<NamedFactory<Cipher>> ordered = new ArrayList<>(offered);
        ordered.sort(Comparator.comparingInt(f -> f.getName().contains("-gcm@") ? 0 : 1));
        return ordered;
    }

    private static KeyIdentityProvider loadKey(SshSettings settings) {
        Path file = settings.keyFile();
        FileKeyPairProvider provider = new FileKeyPairProvider(file);
        if (settings.passphraseFile() != null) {
            provider.setPasswordFinder(FilePasswordProvider.of(readPassphrase(settings.passphraseFile())));
        }
        List<KeyPair> loaded = new ArrayList<>();
        try {
            provider.loadKeys(null).forEach(loaded::add);
        } catch (RuntimeException e) {
            throw new RemoteRepositoryException("ssh.keyFile " + file + ": cannot load the private key: " + rootMessage(e), e);
        }
        if (loaded.isEmpty()) {
            throw new RemoteRepositoryException("ssh.keyFile " + file + (settings.passphraseFile() == null
                    ? ": no private key in the file (an encrypted key needs ssh.passphraseFile)"
                    : ": cannot load the private key with the passphrase in ssh.passphraseFile " + settings.passphraseFile()
                    + " (wrong passphrase, or no private key in the file)"), null);
        }
        return KeyIdentityProvider.wrapKeyPairs(loaded);
    }

    private static String readPassphrase(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(0);
        } catch (IOException e) {
            throw new RemoteRepositoryException("ssh.passphraseFile " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public Path locate(String location) {
        if (!RepoLocator.isRemote(location)) {
            return Path.of(location);
        }
        String problem = RepoLocator.checkRemote(location);
        if (problem != null) {
            throw new RemoteRepositoryException(location + ": " + problem, null);
        }
        URI uri = URI.create(location);
        return fileSystem(uri).getPath(uri.getPath());
    }

    private synchronized FileSystem fileSystem(URI uri) {
        int port = uri.getPort() < 0 ? 22 : uri.getPort();
        String id = uri.getUserInfo() + "@" + uri.getHost() + ":" + port;
        FileSystem fs = systems.get(id);
        if (fs != null && fs.isOpen()) {
            return fs;
        }
        fs = null;
        try {
            URI root = new URI("sftp", uri.getUserInfo(), uri.getHost(), port, "/", null, null);
            fs = provider.newFileSystem(root, Map.of());
            PathLabels.register(fs, "sftp://" + id);
            ListedAttributes.register(fs, SftpRepositories::listedAttributes);
            // the file system connects on first use: connect now, so an unknown host key or a refused key is reported
            // here, in one line, rather than by the first read of a pass
            Files.readAttributes(fs.getPath("/"), BasicFileAttributes.class);
        } catch (URISyntaxException e) {
            throw new RemoteRepositoryException(uri + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(fs);
            String message = rootMessage(e);
            throw new RemoteRepositoryException(message.startsWith("sftp://") ? message : "sftp://" + id + ": " + message, e);
        }
        systems.put(id, fs);
        LOG.info("connected to sftp://{}", id);
        return fs;
    }

    /**
     * The attributes the READDIR reply returned with {@code entry} (MINA keeps them on the paths its directory stream
     * hands out until their first attribute read), as {@code Files.readAttributes} would make them of a STAT reply;
     * null for a path that did not come from a listing.
     */
    static BasicFileAttributes listedAttributes(Path entry) {
        if (entry instanceof SftpPath sftp && sftp.getAttributes() != null) {
            return new SftpPosixFileAttributes(entry, sftp.getAttributes());
        }
        return null;
    }

    /** The innermost message of {@code e}'s causes that this package wrote, else the innermost message. */
    static String rootMessage(Throwable e) {
        String message = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SessionFactory.RefusedException) {
                return t.getMessage();
            }
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static void closeQuietly(FileSystem fs) {
        if (fs == null) {
            return;
        }
        PathLabels.forget(fs);
        ListedAttributes.forget(fs);
        try {
            fs.close();
        } catch (IOException e) {
            LOG.debug("closing {}: {}", fs, e.toString());
        }
    }

    @Override
    public void close() {
        systems.values().forEach(SftpRepositories::closeQuietly);
        systems.clear();
        client.stop();
    }
}
