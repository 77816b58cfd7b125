package io.segvault.agent.audit;

import io.segvault.test.BorgFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;

/**
 * A Borg backup server for tests: an embedded MINA SSHD server on a loopback port that behaves like OpenSSH's sshd for
 * the {@code borg} account. Public-key authentication uses an authorized_keys file, re-read on every attempt (read with
 * the audit's parser, so keys appended later work and lines sshd would ignore are ignored). Whatever a client asks to
 * run, the authenticated key's {@code command=} runs instead, as {@code sh -c COMMAND} with
 * {@code SSH_ORIGINAL_COMMAND} set and stdin/stdout/stderr piped; a key without a forced command runs what the client
 * asked. The host key is generated at start and pinned in {@link #knownHosts()}.
 *
 * <p>Not modelled: {@code from=} (every test connection comes from 127.0.0.1), pty allocation and forwarding (MINA's
 * server refuses forwarding by default), environment= options.
 */
public final class BorgSshServer implements AutoCloseable {

    private static final AttributeKey<Grant> GRANT = new AttributeKey<>();
    private static final long BORG_TIMEOUT_MINUTES = 5;

    /** One exec or shell request: the key that made it, what the client asked, what ran. */
    public record Execution(String fingerprint, String requested, String ran) {
    }

    /** The authorized_keys entry a session authenticated with. */
    private record Grant(String fingerprint, String forcedCommand) {
    }

    private final SshServer sshd;
    private final Path authorizedKeys;
    private final Path knownHosts;
    private final BorgFixture serverSide;
    private final List<Execution> executions = new CopyOnWriteArrayList<>();

    private BorgSshServer(Path authorizedKeys, Path workDir) {
        this.authorizedKeys = authorizedKeys;
        this.knownHosts = workDir.resolve("known_hosts");
        this.serverSide = new BorgFixture(workDir.resolve("server"));
        this.sshd = SshServer.setUpDefaultServer();
    }

    /**
     * Starts a server on 127.0.0.1 and an ephemeral port.
     *
     * @param authorizedKeys the authorized_keys file of the borg account (may be written or appended later)
     * @param workDir        a directory owned by the test: known_hosts and the server side's BORG_BASE_DIR go here
     */
    public static BorgSshServer start(Path authorizedKeys, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        BorgSshServer server = new BorgSshServer(authorizedKeys, workDir);
        server.startServer();
        return server;
    }

    private void startServer() throws IOException {
        KeyPair hostKey;
        try {
            hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate the host key", e);
        }
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setPublickeyAuthenticator(this::authenticate);
        sshd.setCommandFactory(this::command);
        sshd.setShellFactory(channel -> command(channel, null));
        sshd.start();
        Files.writeString(knownHosts, "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n",
                StandardCharsets.UTF_8);
    }

    private boolean authenticate(String user, PublicKey key, ServerSession session) {
        String fingerprint = KeyUtils.getFingerPrint(key);
        try {
            for (AuthorizedKey k : AuthorizedKeysParser.parse(authorizedKeys).keys()) {
                if (k.fingerprint().equals(fingerprint)) {
                    session.setAttribute(GRANT, new Grant(fingerprint, k.options().command()));
                    return true;
                }
            }
        } catch (AuditInputException e) {
            throw new UncheckedIOException(new IOException(e.getMessage(), e));
        }
        return false;
    }

    private Command command(ChannelSession channel, String requested) {
        Grant grant = channel.getSession().getAttribute(GRANT);
        String run = grant.forcedCommand() != null ? grant.forcedCommand()
                : requested != null ? requested : "echo 'this test server offers no interactive shell' >&2; exit 1";
        executions.add(new Execution(grant.fingerprint(), requested, run));
        return new ForcedCommandProcess(List.of("/bin/sh", "-c", run), env -> {
            serverSide.environment(env);
            if (requested != null) {
                env.put("SSH_ORIGINAL_COMMAND", requested);
            }
        });
    }

    public int port() {
        return sshd.getPort();
    }

    /** A known_hosts file holding exactly this server's host key for {@code [127.0.0.1]:port}. */
    public Path knownHosts() {
        return knownHosts;
    }

    /** Every exec or shell request so far, in order. */
    public List<Execution> executions() {
        return List.copyOf(executions);
    }

    /** {@code ssh://borg@127.0.0.1/<absolute path>} (the port is in {@link #borgRsh}). */
    public String url(Path repo) {
        return "ssh://borg@127.0.0.1" + repo.toAbsolutePath();
    }

    /** The BORG_RSH that connects with {@code key}, pins this server's host key and ignores the user's ssh config. */
    public String borgRsh(SshClientKey key) {
        return "ssh -F none -i " + quote(key.privateKey()) + " -o UserKnownHostsFile=" + quote(knownHosts)
                + " -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes"
                + " -o BatchMode=yes -p " + port();
    }

    private static String quote(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "'\\''") + "'";
    }

    /**
     * Runs the borg client through this server with {@code key}: the environment of {@code client} (its own
     * BORG_BASE_DIR, passphrase) plus BORG_RSH. Repository arguments are written with {@link #url(Path)}.
     *
     * @param dir working directory (for {@code borg create ... .}), or null
     */
    public BorgFixture.Result borg(BorgFixture client, SshClientKey key, Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("borg"));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Map<String, String> env = pb.environment();
        client.environment(env);
        env.put("BORG_RSH", borgRsh(key));
        try {
            Path log = Files.createTempFile(client.baseDir(), "borg-ssh-", ".log");
            Process p = pb.redirectOutput(log.toFile()).start();
            if (!p.waitFor(BORG_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("borg " + String.join(" ", args) + " timed out");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            return new BorgFixture.Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running borg", e);
        }
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }
}
