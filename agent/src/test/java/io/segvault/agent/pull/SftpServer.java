package io.segvault.agent.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server for pull-mode tests, as the backup server side of docs/pull-mode.md: Debian's {@code sshd}
 * started as {@code sshd -D -e -f <own config> } on a free loopback port with its own host key, and one read-only,
 * chrooted SFTP account ({@value #USER}, a system user created when missing) whose {@code Match} block has
 * {@code ForceCommand internal-sftp -R}, {@code ChrootDirectory}, no forwarding and no PTY. The repositories live in
 * {@link #repos()} ({@code /srv/borg-repos} in the chroot), group-owned by the account's group with the setgid bit,
 * so borg run with {@code --umask 0027} leaves every file group-readable and nothing group-writable.
 *
 * <p>Needs root (tests run as root here and in CI) and {@code /usr/sbin/sshd}; a missing piece fails the test with
 * a message naming it. {@link #close()} kills the server and its session processes and removes the directory.
 */
public final class SftpServer implements AutoCloseable {

    public static final String USER = "segvault-sftp";
    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    /** Chroot directories need every component root-owned and not group/other-writable: /tmp is not. */
    private static final Path BASE = Path.of("/var/lib/segvault-test-sftp");

    private final Path dir;
    private final Path chroot;
    private final Path clientKey;
    private final Path knownHosts;
    private final Path config;
    private final Path log;
    private final int port;
    private Process sshd;

    private SftpServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
        this.chroot = dir.resolve("chroot");
        this.clientKey = dir.resolve("client/id_ed25519");
        this.knownHosts = dir.resolve("client/known_hosts");
        this.config = dir.resolve("sshd_config");
        this.log = dir.resolve("sshd.log");
    }

    /** Creates the account (once), keys, chroot and config, and starts sshd. */
    public static SftpServer start() {
        assertThat(SSHD).as("/usr/sbin/sshd is missing: install Debian's openssh-server (scripts/test.sh does)").exists();
        assertThat(System.getProperty("user.name")).as("the SFTP server tests run sshd with a chroot: run them as root")
                .isEqualTo("root");
        try {
            ensureUser();
            Files.createDirectories(BASE);
            Files.setPosixFilePermissions(BASE, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path dir = BASE.resolve(UUID.randomUUID().toString());
            SftpServer server = new SftpServer(dir, freePort());
            server.prepare();
            server.startSshd();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void ensureUser() throws IOException {
        if (run(List.of("id", "-u", USER), false).exit != 0) {
            Result r = run(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", USER), false);
            assertThat(r.exit).as("useradd " + USER + ": " + r.output).isZero();
        }
        // no password, but not locked ("!"): without PAM, sshd refuses a locked account even with a valid key
        run(List.of("usermod", "-p", "*", USER), true);
    }

    private void prepare() throws IOException {
        Files.createDirectories(dir.resolve("client"));
        Files.createDirectories(repos());
        for (Path p : List.of(dir, chroot, chroot.resolve("srv"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        // the repositories' parent: the account's group may enter and list, nobody but root may write
        run(List.of("chgrp", USER, repos().toString()), true);
        run(List.of("chmod", "2750", repos().toString()), true);
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "segvault-test-host", "-f",
                dir.resolve("host_ed25519").toString()), true);
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "segvault-vault-host", "-f", clientKey.toString()),
                true);
        Files.copy(Path.of(clientKey + ".pub"), dir.resolve("authorized_keys"));
        Files.writeString(knownHosts, knownHostsLine(dir.resolve("host_ed25519.pub")));
        Files.createDirectories(Path.of("/run/sshd"));
        Files.writeString(config, sshdConfig());
    }

    /** {@code [127.0.0.1]:port <type> <key>} for the public key file {@code pub}. */
    String knownHostsLine(Path pub) throws IOException {
        String[] key = Files.readString(pub).trim().split(" ");
        return "[127.0.0.1]:" + port + " " + key[0] + " " + key[1] + "\n";
    }

    private String sshdConfig() {
        return String.join("\n",
                "ListenAddress 127.0.0.1",
                "Port " + port,
                "HostKey " + dir.resolve("host_ed25519"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes yes",
                "AllowUsers " + USER,
                "Subsystem sftp internal-sftp",
                "LogLevel VERBOSE",
                "",
                matchBlock(chroot),
                "");
    }

    /** The {@code Match} block of docs/pull-mode.md for the account, chrooted to {@code root}. */
    static String matchBlock(Path root) {
        return String.join("\n",
                "Match User " + USER,
                "    ChrootDirectory " + root,
                "    ForceCommand internal-sftp -R",
                "    AllowTcpForwarding no",
                "    AllowStreamLocalForwarding no",
                "    AllowAgentForwarding no",
                "    X11Forwarding no",
                "    PermitTunnel no",
                "    PermitTTY no");
    }

    private void startSshd() throws IOException {
        sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(sshd.isAlive()).as("sshd exited: " + Files.readString(log)).isTrue();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Kills sshd and every session process it forked (the connections drop), without removing anything. */
    public void kill() {
        if (sshd != null) {
            List<ProcessHandle> all = new ArrayList<>(sshd.descendants().toList());
            all.add(sshd.toHandle());
            all.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle p : all) {
                p.onExit().orTimeout(10, TimeUnit.SECONDS).join();
            }
            sshd = null;
        }
    }

    /** Starts sshd again on the same port with the same keys. */
    public void restart() {
        try {
            startSshd();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Number of session processes now (one per open SSH connection, plus privilege-separated children). */
    public long sessions() {
        return sshd == null ? 0 : sshd.descendants().count();
    }

    /** Replaces the host key with a new one (the known_hosts file keeps the old): a "changed host key". */
    public void changeHostKey() {
        kill();
        try {
            Files.delete(dir.resolve("host_ed25519"));
            Files.delete(dir.resolve("host_ed25519.pub"));
            run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_ed25519").toString()), true);
            startSshd();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Directory of the repositories on the server's disk ({@code /srv/borg-repos} inside the chroot). */
    public Path repos() {
        return chroot.resolve("srv/borg-repos");
    }

    /** {@code sftp://segvault-sftp@127.0.0.1:port/srv/borg-repos/<name>}; {@code name} may be a glob. */
    public String url(String name) {
        return "sftp://" + USER + "@127.0.0.1:" + port + "/srv/borg-repos/" + name;
    }

    public int port() {
        return port;
    }

    public Path clientKey() {
        return clientKey;
    }

    public Path knownHosts() {
        return knownHosts;
    }

    public Path hostPublicKey() {
        return dir.resolve("host_ed25519.pub");
    }

    /** What sshd logged. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        kill();
        run(List.of("rm", "-rf", dir.toString()), false);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> command, boolean mustSucceed) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            if (mustSucceed) {
                assertThat(exit).as(String.join(" ", command) + ": " + out).isZero();
            }
            return new Result(exit, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + " (is it installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "sshd on 127.0.0.1:" + port + " " + Arrays.asList(dir);
    }
}
