package io.segvault.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/segvault.service: systemd's own checker accepts it, its sandbox scores as systemd rates it, and the
 * directives the threat model relies on are there (and MemoryDenyWriteExecute, which breaks the JIT, is not).
 * Needs {@code systemd-analyze} (Debian package systemd; scripts/test.sh installs it when missing).
 */
class SystemdUnitTest {

    private static final String UNIT = "packaging/segvault.service";
    /** `systemd-analyze security` exposure of the unit today is 2.9; a change that loosens the sandbox fails. */
    private static final double MAX_EXPOSURE = 3.2;

    private static Map<String, List<String>> service;
    private static String text;

    @TempDir
    Path tmp;

    @BeforeAll
    static void parse() {
        text = ProjectFiles.read(UNIT);
        service = section(text, "Service");
    }

    @Test
    void systemd_analyze_verify_reports_nothing() throws IOException {
        Path copy = runnableCopy(text);

        ProjectFiles.Run r = analyze("verify", copy.toString());

        assertThat(r.stdout() + r.stderr()).as("systemd-analyze verify output").isEmpty();
        assertThat(r.exit()).isZero();
    }

    @Test
    void the_witness_unit_passes_systemd_analyze_verify_and_waits_for_its_own_config() throws IOException {
        String witness = ProjectFiles.read("packaging/segvault-witness.service");
        ProjectFiles.Run r = analyze("verify", runnableCopy(witness).toString());

        assertThat(r.stdout() + r.stderr()).as("systemd-analyze verify output").isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(section(witness, "Service").get("ExecStart")).containsExactly("/usr/bin/segvault witness --config "
                + "/etc/segvault/witness.yaml");
        assertThat(witness).contains("ConditionPathExists=/etc/segvault/witness.yaml", "NoNewPrivileges=yes");
        assertThat(section(witness, "Service").get("Environment")).contains("SEGVAULT_JAVA_OPTS_EXTRA=-XX:+ExitOnOutOfMemoryError")
                .noneMatch(e -> e.contains("SEGVAULT_JAVA_OPTS="));
    }

    @Test
    void systemd_analyze_verify_does_report_a_broken_copy_here() throws IOException {
        // proves the check above can fail in this environment: an unknown directive and a bad value are reported
        Path copy = runnableCopy(text.replace("[Service]\n", "[Service]\nProtectSytem=strict\nRestart=sometimes\n"));

        ProjectFiles.Run r = analyze("verify", copy.toString());

        assertThat(r.stdout() + r.stderr()).contains("Unknown key 'ProtectSytem'", "restart specifier", "sometimes");
    }

    @Test
    void sandbox_exposure_stays_low() throws IOException {
        Path copy = runnableCopy(text);

        ProjectFiles.Run r = analyze("security", "--offline=true", copy.toString());

        Matcher m = Pattern.compile("Overall exposure level for segvault\\.service: (\\d+\\.\\d)").matcher(r.stdout() + r.stderr());
        assertThat(m.find()).as("exposure line in:\n" + r.stdout() + r.stderr()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isLessThanOrEqualTo(MAX_EXPOSURE);
    }

    @Test
    void runs_the_daemon_as_its_own_user_and_restarts_on_failure() {
        assertThat(one("User")).isEqualTo("segvault");
        assertThat(one("Group")).isEqualTo("segvault");
        assertThat(one("SupplementaryGroups")).isEqualTo("borg");
        assertThat(one("ExecStart")).matches("/usr/bin/segvault run --config /etc/segvault/agent\\.yaml( --grace \\S+)?");
        assertThat(one("Restart")).isEqualTo("on-failure");
        assertThat(one("EnvironmentFile")).isEqualTo("-/etc/segvault/aws.env");
        // added to the launcher's defaults (heap bound, serial collector, C2 limit), never replacing them
        assertThat(service.get("Environment")).contains("SEGVAULT_JAVA_OPTS_EXTRA=-XX:+ExitOnOutOfMemoryError")
                .noneMatch(e -> e.startsWith("SEGVAULT_JAVA_OPTS=") || e.startsWith("\"SEGVAULT_JAVA_OPTS="));
    }

    @Test
    void the_service_is_skipped_while_there_is_no_config() {
        // the Debian package installs the unit before the operator has written a config (packaging/README.md)
        assertThat(section(text, "Unit").get("ConditionPathExists")).containsExactly("/etc/segvault/agent.yaml");
        assertThat(one("ExecStart")).contains("--config /etc/segvault/agent.yaml");
    }

    @Test
    void the_launchers_class_data_archive_lives_where_the_sandbox_lets_it_write() {
        String cds = service.get("Environment").stream().filter(e -> e.startsWith("SEGVAULT_CDS_DIR=")).findFirst()
                .orElseThrow(() -> new AssertionError("no Environment=SEGVAULT_CDS_DIR=... in " + UNIT)).split("=", 2)[1];
        assertThat(cds).startsWith(one("ReadWritePaths") + "/");
    }

    @Test
    void systemd_waits_longer_than_the_agents_grace_before_killing_it() {
        Matcher grace = Pattern.compile("--grace (\\d+)s").matcher(one("ExecStart"));
        long graceSeconds = grace.find() ? Long.parseLong(grace.group(1)) : 30; // RunCommand's default
        Duration stop = Duration.ofSeconds(Long.parseLong(one("TimeoutStopSec").replace("s", "")));
        // after the grace the daemon aborts uploads and waits up to 10 s for the pool and 10 s for the passes
        assertThat(stop).isGreaterThanOrEqualTo(Duration.ofSeconds(graceSeconds + 20));
    }

    @Test
    void the_sandbox_has_every_directive_the_threat_model_relies_on() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("ProtectSystem", "strict");
        expected.put("ReadOnlyPaths", "/srv/borg-repos");
        expected.put("ReadWritePaths", "/var/lib/segvault");
        expected.put("StateDirectory", "segvault");
        expected.put("NoNewPrivileges", "yes");
        expected.put("PrivateTmp", "yes");
        expected.put("ProtectHome", "yes");
        expected.put("PrivateDevices", "yes");
        expected.put("ProtectKernelTunables", "yes");
        expected.put("ProtectKernelModules", "yes");
        expected.put("ProtectKernelLogs", "yes");
        expected.put("ProtectControlGroups", "yes");
        expected.put("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX");
        expected.put("RestrictNamespaces", "yes");
        expected.put("LockPersonality", "yes");
        expected.put("SystemCallArchitectures", "native");
        expected.put("CapabilityBoundingSet", "");
        expected.put("UMask", "0077");
        expected.forEach((key, value) -> assertThat(one(key)).as(key).isEqualTo(value));
    }

    @Test
    void memory_deny_write_execute_is_not_set_and_the_unit_says_why() {
        assertThat(service).doesNotContainKey("MemoryDenyWriteExecute");
        assertThat(text).containsPattern("(?m)^# MemoryDenyWriteExecute=yes is deliberately NOT set: the JVM's JIT");
    }

    private String one(String key) {
        List<String> values = service.get(key);
        assertThat(values).as(key + " in " + UNIT).isNotNull().hasSize(1);
        return values.get(0);
    }

    /** Directives of one section (comments skipped), each key with its values in order. */
    private static Map<String, List<String>> section(String unit, String name) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String current = null;
        for (String raw : unit.lines().toList()) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                current = line.substring(1, line.length() - 1);
            } else if (name.equals(current)) {
                int eq = line.indexOf('=');
                String value = line.substring(eq + 1).strip();
                if (value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                out.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(value);
            }
        }
        return out;
    }

    /** The unit with ExecStart pointing at an executable that exists here (verify checks that it does). */
    private Path runnableCopy(String unit) throws IOException {
        Path exe = tmp.resolve("bin/segvault");
        Files.createDirectories(exe.getParent());
        Files.writeString(exe, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        String copy = unit.replace("ExecStart=/usr/bin/segvault ", "ExecStart=" + exe + " ");
        assertThat(copy).as("ExecStart rewritten").contains("ExecStart=" + exe);
        return Files.writeString(tmp.resolve("segvault.service"), copy);
    }

    private ProjectFiles.Run analyze(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "systemd-analyze";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Map<String, String> env = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "SYSTEMD_COLORS", "0",
                "SYSTEMD_PAGER", "", "LANG", "C.UTF-8");
        try {
            return ProjectFiles.run(tmp, env, cmd);
        } catch (RuntimeException e) {
            throw new AssertionError("cannot run systemd-analyze; install it with: apt-get install systemd "
                    + "(scripts/test.sh does this when it is missing)", e);
        }
    }
}
