package io.segvault.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package that the agent module's build makes (agent/target/segvault_VERSION_all.deb, jdeb in
 * agent/pom.xml) on the real dpkg of this machine: install, the files, user and modes it sets up, the unit as
 * installed, the installed command; an upgrade to a higher version that keeps an edited conffile, the operator's
 * config and the state; remove (config and state stay); purge (all gone). And lintian finds nothing.
 *
 * <p>This installs into the real root file system, so it needs root (as CI has) and fails, never skips, without it
 * or without dpkg. It refuses to start when a segvault package or user is already there, and purges in a finally
 * block. No service is started: the postinst never starts one (it restarts a running one on upgrade only), which
 * {@link #nothing_runs_as_segvault} checks. The scripts' calls to systemd, skipped here where systemd does not
 * run, are {@link MaintainerScriptsIT}'s.
 */
class DebianPackageIT {

    private static final String PKG = "segvault";
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG", "C.UTF-8", "DEBIAN_FRONTEND", "noninteractive", "SEGVAULT_CDS", "off", "HOME", "/root");
    private static final Path ETC = Path.of("/etc/segvault");
    private static final Path STATE = Path.of("/var/lib/segvault");
    private static final Path WANTS = Path.of("/etc/systemd/system/multi-user.target.wants/segvault.service");

    @TempDir
    Path tmp;

    @Test
    void lintian_reports_no_error_and_no_warning() {
        Path deb = builtPackage();

        ProjectFiles.Run r = run(300, "lintian", "--fail-on", "error,warning", deb.toString());

        assertThat(r.stdoutLines()).as("lintian tags (overrides: packaging/deb/lintian-overrides/segvault)")
                .noneMatch(l -> l.startsWith("E: ") || l.startsWith("W: "));
        assertThat(r.exit()).as("lintian exit\n" + r.stdout() + r.stderr()).isZero();
    }

    @Test
    void install_upgrade_remove_and_purge_behave_as_on_debian() throws IOException {
        Path deb = builtPackage();
        requireCleanMachine();
        String version = field(deb, "Version");
        Path upgrade = rebuiltWithHigherVersion(deb, version + "+it1");
        try {
            install(deb);
            checkInstalled(version);
            Files.writeString(ETC.resolve("agent.yaml.example"), "# edited by the operator\n", java.nio.file.StandardOpenOption.APPEND);
            String edited = Files.readString(ETC.resolve("agent.yaml.example"));
            Files.writeString(ETC.resolve("agent.yaml"), "bucket: kept-over-upgrades\n");
            Path ledger = STATE.resolve("ledger.db");
            Files.writeString(ledger, "state of the agent");
            ok(run(30, "chown", "segvault:segvault", ledger.toString()));
            ok(run(30, "systemctl", "enable", "segvault.service"));
            assertThat(Files.exists(WANTS, LinkOption.NOFOLLOW_LINKS)).as("the operator enabled the service").isTrue();

            install(upgrade);
            assertThat(status()).isEqualTo("install ok installed " + version + "+it1");
            assertThat(Files.readString(ETC.resolve("agent.yaml.example"))).as("edited conffile after upgrade").isEqualTo(edited);
            assertThat(Files.readString(ETC.resolve("agent.yaml"))).isEqualTo("bucket: kept-over-upgrades\n");
            assertThat(Files.readString(ledger)).isEqualTo("state of the agent");
            assertThat(owner(ledger)).isEqualTo("segvault:segvault");
            checkDirectories();
            nothing_runs_as_segvault();

            ok(run(120, "dpkg", "--remove", PKG));
            assertThat(status()).isEqualTo("deinstall ok config-files " + version + "+it1");
            assertThat(Path.of("/usr/bin/segvault")).doesNotExist();
            assertThat(Path.of("/usr/share/segvault")).doesNotExist();
            assertThat(Path.of("/lib/systemd/system/segvault.service")).doesNotExist();
            assertThat(Path.of("/lib/systemd/system/segvault-witness.service")).doesNotExist();
            assertThat(Files.readString(ETC.resolve("agent.yaml.example"))).as("conffile after remove").isEqualTo(edited);
            assertThat(ETC.resolve("agent.yaml")).exists();
            assertThat(ledger).exists();
            assertThat(run(30, "getent", "passwd", "segvault").exit()).as("user after remove").isZero();

            ok(run(120, "dpkg", "--purge", PKG));
            assertThat(run(30, "dpkg-query", "-W", PKG).exit()).as("dpkg-query after purge").isNotZero();
            assertThat(ETC).as("purge removes the config").doesNotExist();
            assertThat(STATE).as("purge removes the state").doesNotExist();
            assertThat(Files.exists(WANTS, LinkOption.NOFOLLOW_LINKS)).as("purge removes the enablement").isFalse();
            assertThat(run(30, "getent", "passwd", "segvault").exit()).as("user after purge").isEqualTo(2);
            assertThat(run(30, "getent", "group", "segvault").exit()).as("group after purge").isEqualTo(2);
        } finally {
            if (run(30, "dpkg-query", "-W", PKG).exit() == 0) {
                run(120, "dpkg", "--purge", PKG);
            }
        }
    }

    /** After the first install: version, files, conffiles, user, modes, the unit as systemd sees it, the command. */
    private void checkInstalled(String version) throws IOException {
        assertThat(status()).isEqualTo("install ok installed " + version);
        Path launcher = Path.of("/usr/bin/segvault");
        assertThat(Files.readSymbolicLink(launcher)).isEqualTo(Path.of("../share/segvault/bin/segvault"));
        assertThat(Files.isExecutable(launcher.toRealPath())).isTrue();
        assertThat(Path.of("/usr/share/segvault/lib/segvault.jar")).isRegularFile();
        assertThat(Path.of("/usr/share/man/man1/segvault.1.gz")).isRegularFile();
        assertThat(Path.of("/usr/share/doc/segvault/copyright")).isRegularFile();
        assertThat(Path.of("/lib/systemd/system/segvault.service")).hasContent(ProjectFiles.read("packaging/segvault.service"));
        assertThat(Path.of("/lib/systemd/system/segvault-witness.service"))
                .hasContent(ProjectFiles.read("packaging/segvault-witness.service"));
        assertThat(ETC.resolve("agent.yaml.example")).hasContent(ProjectFiles.read("packaging/agent.yaml.example"));
        assertThat(ETC.resolve("agent.yaml")).as("no config until the operator writes one").doesNotExist();
        assertThat(run(30, "dpkg-query", "-W", "-f", "${Conffiles}", PKG).stdout()).contains("/etc/segvault/agent.yaml.example ");
        assertThat(run(30, "sh", "-c", "zcat /usr/share/doc/segvault/changelog.gz | head -n 1").stdout())
                .as("changelog names the package version").startsWith("segvault (" + version + ") ");

        String[] user = run(30, "getent", "passwd", "segvault").stdout().strip().split(":");
        assertThat(Integer.parseInt(user[2])).as("a system uid").isLessThan(1000);
        assertThat(user[5]).isEqualTo("/var/lib/segvault");
        assertThat(user[6]).isEqualTo("/usr/sbin/nologin");
        assertThat(run(30, "id", "-gn", "segvault").stdout().strip()).isEqualTo("segvault");
        checkDirectories();

        ProjectFiles.Run verify = run(60, "systemd-analyze", "verify", "/lib/systemd/system/segvault.service",
                "/lib/systemd/system/segvault-witness.service");
        assertThat(verify.stdout() + verify.stderr()).as("systemd-analyze verify of the installed unit").isEmpty();
        assertThat(verify.exit()).isZero();

        ProjectFiles.Run v = run(60, "runuser", "-u", "segvault", "--", "segvault", "--version");
        assertThat(v.exit()).as("segvault --version as user segvault: " + v.stderr()).isZero();
        assertThat(v.stdout()).startsWith("segvault " + version.replace("~", "-")).contains("Java " + newestJava() + ".");
        assertThat(v.stderr()).as("nothing on stderr on the runtime the launcher chose").isEmpty();
        assertThat(Files.exists(WANTS, LinkOption.NOFOLLOW_LINKS)).as("the package enables nothing").isFalse();
        nothing_runs_as_segvault();
    }

    private static void checkDirectories() throws IOException {
        assertThat(owner(STATE)).isEqualTo("segvault:segvault");
        assertThat(mode(STATE)).isEqualTo("rwxr-x---");
        assertThat(owner(ETC)).isEqualTo("root:segvault");
        assertThat(mode(ETC)).isEqualTo("rwxr-x---");
    }

    /** Neither install nor upgrade started the daemon (nothing runs as the segvault user). */
    private static void nothing_runs_as_segvault() {
        ProjectFiles.Run ps = run(30, "pgrep", "-u", "segvault");
        assertThat(ps.exit()).as("processes of user segvault: " + ps.stdout()).isEqualTo(1);
    }

    /** dpkg -i, then apt-get -f install when dpkg stopped at missing dependencies. */
    private static void install(Path deb) {
        ProjectFiles.Run r = run(300, "dpkg", "--install", deb.toString());
        if (r.exit() != 0 && r.stderr().contains("dependency problems")) {
            r = run(600, "apt-get", "-o", "DPkg::Lock::Timeout=600", "-f", "install", "-y", "-q", "--no-install-recommends");
        }
        ok(r);
    }

    /** The same package at a higher version, as a rebuild of newer sources would be (dpkg-deb, not jdeb). */
    private Path rebuiltWithHigherVersion(Path deb, String version) throws IOException {
        Path root = tmp.resolve("upgrade");
        ok(run(60, "dpkg-deb", "--raw-extract", deb.toString(), root.toString()));
        Path control = root.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version));
        Path out = tmp.resolve("segvault_" + version + "_all.deb");
        ok(run(300, "dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "--build", root.toString(), out.toString()));
        assertThat(run(30, "dpkg", "--compare-versions", version, "gt", field(deb, "Version")).exit()).isZero();
        return out;
    }

    /** Fails (never skips) where this test cannot run, and refuses to touch an existing segvault installation. */
    private static void requireCleanMachine() {
        assertThat(run(30, "id", "-u").stdout().strip()).as("DebianPackageIT installs packages: it must run as root").isEqualTo("0");
        assertThat(run(30, "dpkg-query", "-W", PKG).exit())
                .as("a segvault package is installed on this machine; this test installs and purges its own, so it stops here")
                .isNotZero();
        assertThat(run(30, "getent", "passwd", "segvault").exit())
                .as("a user segvault exists (left over? remove it: deluser --system segvault); purge would delete it")
                .isEqualTo(2);
    }

    /** agent/target/segvault_*_all.deb made by this build (the newest when several versions lie there). */
    private static Path builtPackage() {
        Path target = ProjectFiles.root().resolve("agent/target");
        try (Stream<Path> s = Files.list(target)) {
            List<Path> debs = s.filter(p -> p.getFileName().toString().matches("segvault_.+_all\\.deb"))
                    .sorted(Comparator.comparing(DebianPackageIT::modified).reversed()).toList();
            assertThat(debs).as("the .deb the package phase builds (jdeb, agent/pom.xml) in " + target).isNotEmpty();
            return debs.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String field(Path deb, String name) {
        ProjectFiles.Run r = ok(run(30, "dpkg-deb", "--field", deb.toString(), name));
        return r.stdout().strip();
    }

    /** The highest major version among this machine's runtimes in /usr/lib/jvm (their release files): the launcher's pick. */
    private static int newestJava() throws IOException {
        int newest = 0;
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path release : homes.map(h -> h.resolve("release")).filter(Files::isRegularFile).toList()) {
                for (String line : Files.readAllLines(release)) {
                    if (line.startsWith("JAVA_VERSION=\"")) {
                        newest = Math.max(newest, Integer.parseInt(line.substring(14).split("[.\"-]")[0]));
                    }
                }
            }
        }
        assertThat(newest).as("a Java 17 or newer in /usr/lib/jvm").isGreaterThanOrEqualTo(17);
        return newest;
    }

    private static String status() {
        return run(30, "dpkg-query", "-W", "-f", "${Status} ${Version}", PKG).stdout();
    }

    private static String owner(Path p) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.owner().getName() + ":" + a.group().getName();
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.readAttributes(p, PosixFileAttributes.class).permissions());
    }

    private static ProjectFiles.Run ok(ProjectFiles.Run r) {
        assertThat(r.exit()).as("exit code; stdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr()).isZero();
        return r;
    }

    private static ProjectFiles.Run run(int seconds, String... command) {
        try {
            return ProjectFiles.run(seconds, Path.of("/"), ENV, command);
        } catch (RuntimeException e) {
            throw new AssertionError("cannot run " + command[0] + " (Debian packages dpkg, lintian, systemd, procps; "
                    + "scripts/test.sh installs them when missing)", e);
        }
    }
}
