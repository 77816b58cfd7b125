package io.segvault.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.agent.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code segvault audit --sshd-config}: the pull-mode SFTP account's Match block (docs/pull-mode.md). */
class AuditSshdConfigTest {

    /** A chroot every component of which is root-owned and not group/other-writable on Debian. */
    private static final String SAFE_CHROOT = "/usr/share";

    @TempDir
    Path dir;

    private static String block(String chroot, String forceCommand, String... extra) {
        StringBuilder sb = new StringBuilder("Match User segvault-sftp\n");
        if (chroot != null) {
            sb.append("    ChrootDirectory ").append(chroot).append('\n');
        }
        sb.append("    ForceCommand ").append(forceCommand).append('\n');
        for (String line : List.of("AllowTcpForwarding no", "AllowStreamLocalForwarding no", "AllowAgentForwarding no",
                "X11Forwarding no", "PermitTunnel no", "PermitTTY no")) {
            if (List.of(extra).stream().noneMatch(e -> e.split(" ")[0].equals(line.split(" ")[0]))) {
                sb.append("    ").append(line).append('\n');
            }
        }
        List.of(extra).stream().filter(e -> !e.endsWith(" -")).forEach(e -> sb.append("    ").append(e).append('\n'));
        return sb.toString();
    }

    private List<Finding> audit(String text) throws Exception {
        Path file = dir.resolve("sshd_config");
        Files.writeString(file, text);
        return SshdConfigAudit.audit(file);
    }

    private static List<String> codes(List<Finding> findings) {
        return findings.stream().map(Finding::code).toList();
    }

    @Test
    void the_documented_block_has_no_finding() throws Exception {
        assertThat(audit("Port 22\nX11Forwarding yes\n\n" + block(SAFE_CHROOT, "internal-sftp -R"))).isEmpty();
    }

    @Test
    void internal_sftp_without_read_only_is_critical() throws Exception {
        List<Finding> f = audit(block(SAFE_CHROOT, "internal-sftp -l INFO"));
        assertThat(codes(f)).containsExactly("SFTP_NOT_READ_ONLY");
        assertThat(f.get(0).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.get(0).source()).endsWith("sshd_config:3");
    }

    @Test
    void no_chroot_is_critical() throws Exception {
        assertThat(codes(audit(block(null, "internal-sftp -R")))).containsExactly("SFTP_NO_CHROOT");
    }

    @Test
    void forwarding_and_tty_left_to_global_settings_or_defaults_are_reported() throws Exception {
        String text = "AllowTcpForwarding yes\nX11Forwarding yes\n" + block(SAFE_CHROOT, "internal-sftp -R",
                "AllowTcpForwarding -", "X11Forwarding -", "PermitTTY -", "AllowStreamLocalForwarding -");
        List<Finding> f = audit(text);
        assertThat(codes(f)).containsExactlyInAnyOrder("SFTP_ALLOWTCPFORWARDING", "SFTP_X11FORWARDING", "SFTP_PERMITTTY",
                "SFTP_ALLOWSTREAMLOCALFORWARDING");
        assertThat(f).filteredOn(x -> x.code().equals("SFTP_ALLOWTCPFORWARDING")).singleElement()
                .satisfies(x -> assertThat(x.source()).endsWith("sshd_config:1"));
        assertThat(f).filteredOn(x -> x.code().equals("SFTP_PERMITTTY")).singleElement()
                .satisfies(x -> assertThat(x.message()).contains("yes (sshd's default)"));
    }

    @Test
    void a_block_value_overrides_the_global_one() throws Exception {
        assertThat(audit("PermitTunnel yes\n" + block(SAFE_CHROOT, "internal-sftp -R"))).isEmpty();
        assertThat(codes(audit("PermitTunnel no\n" + block(SAFE_CHROOT, "internal-sftp -R", "PermitTunnel yes"))))
                .containsExactly("SFTP_PERMITTUNNEL");
    }

    @Test
    void no_sftp_block_at_all_is_critical() throws Exception {
        assertThat(codes(audit("Subsystem sftp internal-sftp\nMatch User backup\n    ForceCommand borg serve\n")))
                .containsExactly("SFTP_BLOCK_MISSING");
    }

    @Test
    void a_chroot_below_a_world_writable_directory_is_critical() throws Exception {
        Path chroot = Files.createDirectories(dir.resolve("chroot"));
        List<Finding> f = audit(block(chroot.toString(), "internal-sftp -R"));
        assertThat(codes(f)).contains("SFTP_CHROOT_UNSAFE");
        assertThat(f).anyMatch(x -> x.message().startsWith("/tmp (a component of ChrootDirectory)"));
    }

    @Test
    void includes_are_named_as_not_audited() throws Exception {
        assertThat(codes(audit("Include /etc/ssh/sshd_config.d/*.conf\n" + block(SAFE_CHROOT, "internal-sftp -R"))))
                .containsExactly("SSHD_INCLUDE_NOT_FOLLOWED");
    }

    @Test
    void an_unreadable_file_is_one_line_naming_it() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> SshdConfigAudit.audit(missing)).isInstanceOf(AuditInputException.class)
                .hasMessageStartingWith(missing + ": cannot read the sshd config");
    }

    @Test
    void the_command_exits_3_on_findings_0_without_and_2_without_input() throws IOException {
        Path good = Files.writeString(dir.resolve("good"), block(SAFE_CHROOT, "internal-sftp -R"));
        Path bad = Files.writeString(dir.resolve("bad"), block(SAFE_CHROOT, "internal-sftp"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "audit", "--sshd-config", good.toString()))
                .isZero();
        assertThat(out.toString()).contains("read-only, chrooted");
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "audit", "--sshd-config", bad.toString()))
                .isEqualTo(3);
        assertThat(out.toString()).contains("CRITICAL SFTP_NOT_READ_ONLY " + bad + ":3");
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "audit")).isEqualTo(2);
        assertThat(err.toString()).contains("--sshd-config FILE");
    }
}
