package io.segvault.agent.audit;

import static io.segvault.agent.audit.SshClientKey.KeyPairType.ECDSA;
import static io.segvault.agent.audit.SshClientKey.KeyPairType.ED25519;
import static io.segvault.agent.audit.SshClientKey.KeyPairType.RSA;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A backup server's authorized_keys file with the shapes found in the wild, and a repository directory next to it.
 * Line numbers are fixed (see the constants); the tests assert the exact findings per line.
 */
final class FenceCorpus {

    /** {@code sk-ssh-ed25519@openssh.com} key with public key bytes 0..31 and application "ssh:". */
    static final String SK_FINGERPRINT = "SHA256:/p0CbeE3dk2SyW1OXXsThGc12ezDVD8eGw2/vtztDfk"; // ssh-keygen -l, OpenSSH 9.2

    final Path repos;
    final Path authorizedKeys;
    final SshClientKey alice = SshClientKey.inMemory(ED25519);
    final SshClientKey bob = SshClientKey.inMemory(RSA);
    final SshClientKey carol = SshClientKey.inMemory(ECDSA);
    final SshClientKey dave = SshClientKey.inMemory(ED25519);
    final SshClientKey admin = SshClientKey.inMemory(ED25519);
    final SshClientKey newAdmin = SshClientKey.inMemory(RSA);
    final SshClientKey piped = SshClientKey.inMemory(ED25519);
    final SshClientKey prune = SshClientKey.inMemory(ED25519);
    final SshClientKey nobody = SshClientKey.inMemory(ECDSA);
    final SshClientKey twoCommands = SshClientKey.inMemory(ED25519);
    final SshClientKey unknownOption = SshClientKey.inMemory(ED25519);

    FenceCorpus(Path dir) {
        try {
            repos = dir.resolve("repos");
            repository("alice", "[repository]\nversion = 1\nsegments_per_dir = 1000\nappend_only = 1\nid = 00ff\n");
            repository("bob", "[repository]\nversion = 1\nappend_only = 0\n");
            repository("carol", "[repository]\r\nversion = 1\r\nstorage_quota = 0\r\n");
            repository("group/dave smith", "# managed by ansible\n[repository]\nversion = 1\nAPPEND_ONLY: yes\n");
            repository("notarepo", "[cache]\nversion = 1\n");
            Files.createDirectories(repos.resolve("alice/data/0"));
            Files.writeString(repos.resolve("alice/data/0/config"), "[repository]\nappend_only = 0\n");
            authorizedKeys = dir.resolve("authorized_keys");
            Files.write(authorizedKeys, content());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void repository(String name, String config) throws IOException {
        Path repo = repos.resolve(name);
        Files.createDirectories(repo.resolve("data"));
        Files.writeString(repo.resolve("config"), config);
    }

    String repo(String name) {
        return repos.resolve(name).toString();
    }

    private String serve(String flags, String repo) {
        return "command=\"borg serve " + flags + " --restrict-to-repository " + repo(repo) + "\"";
    }

    private byte[] content() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        line(out, "# borg clients of backup01", "\n");                                                               // 1
        line(out, "", "\n");                                                                                         // 2
        line(out, alice.authorizedKeysLine(serve("--append-only", "alice") + ",restrict,from=\"10.0.0.5\"",
                "alice@laptop"), "\r\n");                                                                            // 3
        line(out, bob.authorizedKeysLine(serve("--append-only", "bob"), "bob"), "\n");                               // 4
        line(out, carol.authorizedKeysLine("restrict,pty,command=\"borg serve --append-only --restrict-to-repository="
                + repo("carol") + "\",from=\"10.0.0.6,10.0.0.7\"", "carol"), "\r\n");                                // 5
        line(out, dave.authorizedKeysLine("command=\"cd \\\"" + repo("group") + "\\\" && borg serve --append-only"
                + " --restrict-to-repository \\\"" + repo("group/dave smith") + "\\\"\",no-pty,no-port-forwarding,"
                + "no-agent-forwarding,no-X11-forwarding,no-user-rc,from=\"10.0.0.8/32\"", "dave the builder"), "\n"); // 6
        line(out, admin.authorizedKeysLine("", "admin@workstation"), "\n");                                          // 7
        line(out, newAdmin.authorizedKeysLine("command=\"borg serve\",restrict", "new-admin"), "\n");                // 8
        line(out, piped.authorizedKeysLine("command=\"borg serve --append-only --restrict-to-repository "
                + repo("alice") + " | tee /tmp/log\",restrict,from=\"10.0.0.9\"", "piped"), "\n");                   // 9
        line(out, prune.authorizedKeysLine("command=\"borg serve --restrict-to-repository " + repo("alice")
                + "\",restrict", "prune@ops"), "\n");                                                               // 10
        line(out, nobody.authorizedKeysLine(serve("--append-only", "nobody") + ",restrict,from=\"1.2.3.4\"",
                "nobody"), "\n");                                                                                    // 11
        line(out, serve("--append-only", "carol") + ",restrict,from=\"10.0.0.6\" " + skKey() + " yubikey", "\n");     // 12
        line(out, "restrict,command=\"borg serve\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA", "\n");                   // 13
        out.writeBytes(new byte[] {0, (byte) 0xff, (byte) 0xfe, 'x', 0x1b, (byte) 0xc3, '\n'});                      // 14
        line(out, twoCommands.authorizedKeysLine("command=\"a\",command=\"b\",restrict", "two"), "\n");              // 15
        line(out, unknownOption.authorizedKeysLine("restrict,frobnicate," + serve("--append-only", "alice"),
                "unknown"), "\n");                                                                                   // 16
        line(out, alice.authorizedKeysLine(serve("--append-only", "alice") + ",restrict", "alice-again"), "\n");     // 17
        line(out, "command=\"borg serve --append-only ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA", "\n");                // 18
        line(out, "   # indented comment", "\r\n");                                                                 // 19
        return out.toByteArray();
    }

    private static void line(ByteArrayOutputStream out, String text, String end) {
        out.writeBytes((text + end).getBytes(StandardCharsets.UTF_8));
    }

    /** The public test vector: string type, string 32-byte key 0..31, string application. */
    static String skKey() {
        byte[] type = "sk-ssh-ed25519@openssh.com".getBytes(StandardCharsets.US_ASCII);
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        byte[] app = "ssh:".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer blob = ByteBuffer.allocate(12 + type.length + key.length + app.length);
        blob.putInt(type.length).put(type).putInt(key.length).put(key).putInt(app.length).put(app);
        return "sk-ssh-ed25519@openssh.com " + Base64.getEncoder().encodeToString(blob.array());
    }
}
