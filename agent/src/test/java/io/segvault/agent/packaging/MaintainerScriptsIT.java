package io.segvault.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd side of the package's maintainer scripts (packaging/deb/control), which DebianPackageIT cannot reach
 * because the build machines run no systemd: each script runs with every command it calls replaced by a stub that
 * only records its arguments, and, for "systemd is running", in a private mount namespace where
 * /run/systemd/system exists ({@code unshare -m}, so it needs root, as CI has; it fails, never skips, without).
 */
class MaintainerScriptsIT {

    private static final List<String> STUBS = List.of("getent", "adduser", "mkdir", "dpkg-statoverride", "chown", "chmod",
            "systemctl", "deb-systemd-invoke", "deb-systemd-helper", "rm", "deluser", "delgroup");

    @TempDir
    Path tmp;

    private Path log;

    @BeforeEach
    void stubs() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        log = tmp.resolve("calls.log");
        for (String name : STUBS) {
            Path stub = bin.resolve(name);
            // getent answers with $GETENT_EXIT (2: no such user), dpkg-statoverride with 1 (no override)
            String exit = switch (name) {
                case "getent" -> "${GETENT_EXIT:-2}";
                case "dpkg-statoverride" -> "1";
                default -> "0";
            };
            Files.writeString(stub, "#!/bin/sh\nprintf '%s\\n' \"" + name + " $*\" >> \"$CALLS\"\nexit " + exit + "\n");
            Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void first_install_creates_the_user_and_directories_and_starts_nothing() throws IOException {
        List<String> calls = script(true, "2", "postinst", "configure", "");

        assertThat(calls).contains(
                "adduser --quiet --system --group --home /var/lib/segvault --no-create-home --shell /usr/sbin/nologin segvault",
                "chown segvault:segvault /var/lib/segvault", "chmod 0750 /var/lib/segvault", "chown root:segvault /etc/segvault",
                "chmod 0750 /etc/segvault", "systemctl --system daemon-reload");
        assertThat(calls).noneMatch(c -> c.startsWith("deb-systemd-invoke") || c.matches("systemctl .*(start|enable).*"));
    }

    @Test
    void an_upgrade_restarts_the_service_only_if_it_runs_and_keeps_the_user() throws IOException {
        List<String> calls = script(true, "0", "postinst", "configure", "0.1.0~SNAPSHOT");

        assertThat(calls).contains("deb-systemd-invoke try-restart segvault.service");
        assertThat(calls).noneMatch(c -> c.startsWith("adduser"));
    }

    @Test
    void without_systemd_the_scripts_leave_systemd_alone() throws IOException {
        assertThat(script(false, "0", "postinst", "configure", "0.1.0~SNAPSHOT"))
                .noneMatch(c -> c.startsWith("systemctl") || c.startsWith("deb-systemd-invoke"));
        assertThat(script(false, "0", "prerm", "remove")).isEmpty();
    }

    @Test
    void remove_stops_the_service_and_an_upgrade_does_not() throws IOException {
        assertThat(script(true, "0", "prerm", "remove")).containsExactly("deb-systemd-invoke stop segvault.service");
        assertThat(script(true, "0", "prerm", "upgrade", "0.2.0")).isEmpty();
        assertThat(script(true, "0", "postrm", "remove")).containsExactly("systemctl --system daemon-reload");
    }

    @Test
    void purge_deletes_config_state_enablement_and_the_user() throws IOException {
        List<String> calls = script(true, "0", "postrm", "purge");

        assertThat(calls).contains("deb-systemd-helper purge segvault.service", "rm -rf /etc/segvault /var/lib/segvault",
                "rm -f /etc/systemd/system/multi-user.target.wants/segvault.service", "deluser --quiet --system segvault",
                "delgroup --quiet --system segvault");
    }

    @Test
    void an_unknown_argument_is_an_error() throws IOException {
        for (String name : List.of("postinst", "prerm", "postrm")) {
            ProjectFiles.Run r = run(false, "0", name, "frobnicate");
            assertThat(r.exit()).as(name + " frobnicate").isEqualTo(1);
            assertThat(r.stderr()).contains("unknown argument 'frobnicate'");
        }
    }

    /** Runs packaging/deb/control/NAME ARGS with the stubs; fails unless it exits 0; the calls it made, in order. */
    private List<String> script(boolean systemd, String getentExit, String name, String... args) throws IOException {
        ProjectFiles.Run r = run(systemd, getentExit, name, args);
        assertThat(r.exit()).as(name + " exit; stderr: " + r.stderr()).isZero();
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private ProjectFiles.Run run(boolean systemd, String getentExit, String name, String... args) throws IOException {
        Files.deleteIfExists(log);
        String script = ProjectFiles.file("packaging/deb/control/" + name).toString();
        String quoted = String.join(" ", java.util.Arrays.stream(args).map(a -> "'" + a + "'").toList());
        String inner = "exec /usr/bin/env -i PATH=" + tmp.resolve("bin") + " CALLS=" + log + " GETENT_EXIT=" + getentExit
                + " /bin/sh " + script + " " + quoted;
        // a private, empty /run, with systemd/system in it when systemd is to run: the scripts ask
        // `[ -d /run/systemd/system ]` (what deb-systemd-invoke and dh_installsystemd's snippets ask too)
        String run = "/bin/mount -t tmpfs segvault-test /run && " + (systemd ? "/bin/mkdir -p /run/systemd/system && " : "");
        String[] command = {"/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c", run + inner};
        try {
            return ProjectFiles.run(Path.of("/"), Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), command);
        } catch (RuntimeException e) {
            throw new AssertionError("cannot run " + command[0] + " (util-linux; unshare -m needs root)", e);
        }
    }
}
