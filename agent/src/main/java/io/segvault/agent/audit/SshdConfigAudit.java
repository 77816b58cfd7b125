package io.segvault.agent.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pull mode's side of the backup server: checks the {@code sshd_config} {@code Match} block of the read-only SFTP
 * account the vault host uses (docs/pull-mode.md). A block is the SFTP block when its {@code ForceCommand} is
 * {@code internal-sftp}; in it, anything that would let the account write, get a shell or forward is a finding.
 * Values come from the block, else from the global section (first value wins, as in sshd), else sshd's default.
 */
public final class SshdConfigAudit {

    /** A setting the SFTP block must have, its sshd default and why. */
    private record Required(String keyword, String value, String defaultValue, Severity severity, String why) {
    }

    private static final List<Required> REQUIRED = List.of(
            new Required("AllowTcpForwarding", "no", "yes", Severity.CRITICAL, "the account could forward TCP "
                    + "connections through the backup server"),
            new Required("AllowStreamLocalForwarding", "no", "yes", Severity.CRITICAL, "the account could forward Unix "
                    + "sockets"),
            new Required("AllowAgentForwarding", "no", "yes", Severity.WARNING, "the account could forward an agent"),
            new Required("X11Forwarding", "no", "no", Severity.WARNING, "the account could forward X11"),
            new Required("PermitTunnel", "no", "no", Severity.CRITICAL, "the account could open tun/tap tunnels"),
            new Required("PermitTTY", "no", "yes", Severity.WARNING, "the account could get a terminal"));

    /** One section: the global one (match null) or a Match block; keyword (lower case) → first value and its line. */
    private record Section(String match, int line, Map<String, String[]> values) {
        String value(String keyword) {
            String[] v = values.get(keyword.toLowerCase(Locale.ROOT));
            return v == null ? null : v[0];
        }

        String line(String keyword) {
            String[] v = values.get(keyword.toLowerCase(Locale.ROOT));
            return v == null ? Integer.toString(line) : v[1];
        }
    }

    private SshdConfigAudit() {
    }

    /**
     * Findings for {@code file}; empty when the SFTP block is as docs/pull-mode.md has it.
     *
     * @throws AuditInputException when the file cannot be read
     */
    public static List<Finding> audit(Path file) throws AuditInputException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AuditInputException(file, "cannot read the sshd config: " + e.getMessage(), e);
        }
        List<Finding> out = new ArrayList<>();
        List<Section> sections = parse(file, lines, out);
        Section global = sections.get(0);
        List<Section> sftp = sections.stream().filter(s -> s.match() != null && forcesSftp(s.value("ForceCommand"))).toList();
        if (sftp.isEmpty()) {
            out.add(finding(Severity.CRITICAL, file + "", "SFTP_BLOCK_MISSING", "no Match block with ForceCommand "
                    + "internal-sftp: the vault host's account would get a shell"));
        }
        for (Section block : sftp) {
            checkBlock(file, global, block, out);
        }
        return out;
    }

    private static List<Section> parse(Path file, List<String> lines, List<Finding> out) {
        List<Section> sections = new ArrayList<>();
        Section current = new Section(null, 0, new LinkedHashMap<>());
        sections.add(current);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("[\\s=]+", 2);
            String keyword = parts[0].toLowerCase(Locale.ROOT);
            String value = parts.length > 1 ? parts[1].strip() : "";
            if ("match".equals(keyword)) {
                current = new Section(value, i + 1, new LinkedHashMap<>());
                sections.add(current);
            } else if ("include".equals(keyword)) {
                out.add(finding(Severity.WARNING, file + ":" + (i + 1), "SSHD_INCLUDE_NOT_FOLLOWED", "Include " + value
                        + " is not audited: check the included files by hand (or audit them with --sshd-config)"));
            } else {
                current.values().putIfAbsent(keyword, new String[] {value, Integer.toString(i + 1)});
            }
        }
        return sections;
    }

    private static boolean forcesSftp(String command) {
        return command != null && command.split("\\s+")[0].equals("internal-sftp");
    }

    private static void checkBlock(Path file, Section global, Section block, List<Finding> out) {
        String where = file + ":" + block.line() + " (Match " + block.match() + ")";
        List<String> args = List.of(block.value("ForceCommand").split("\\s+"));
        if (!args.contains("-R")) {
            out.add(finding(Severity.CRITICAL, file + ":" + block.line("ForceCommand"), "SFTP_NOT_READ_ONLY",
                    "ForceCommand " + block.value("ForceCommand") + " lacks -R: the account can write, rename and "
                            + "delete whatever its permissions allow"));
        }
        String chroot = block.value("ChrootDirectory");
        if (chroot == null) {
            chroot = global.value("ChrootDirectory");
        }
        if (chroot == null || "none".equalsIgnoreCase(chroot)) {
            out.add(finding(Severity.CRITICAL, where, "SFTP_NO_CHROOT", "no ChrootDirectory: the account can read the "
                    + "whole file system (other repositories' keys and configs, /etc)"));
        } else if (!chroot.contains("%")) {
            checkChroot(file + ":" + block.line("ChrootDirectory"), Path.of(chroot), out);
        }
        for (Required r : REQUIRED) {
            String value = block.value(r.keyword());
            String line = file + ":" + block.line(r.keyword());
            if (value == null) {
                value = global.value(r.keyword());
                line = global.value(r.keyword()) == null ? where : file + ":" + global.line(r.keyword());
            }
            String effective = value == null ? r.defaultValue() : value;
            if (!r.value().equalsIgnoreCase(effective)) {
                out.add(finding(r.severity(), line, "SFTP_" + r.keyword().toUpperCase(Locale.ROOT), r.keyword() + " is "
                        + effective + (value == null ? " (sshd's default)" : "") + " for the SFTP account: " + r.why()
                        + "; set " + r.keyword() + " " + r.value() + " in the Match block"));
            }
        }
    }

    /** sshd refuses a chroot whose components are not root-owned or are group/other-writable. */
    private static void checkChroot(String where, Path chroot, List<Finding> out) {
        if (!Files.isDirectory(chroot)) {
            out.add(finding(Severity.WARNING, where, "SFTP_CHROOT_MISSING", "ChrootDirectory " + chroot
                    + " is not a directory on this host (checked nothing below it)"));
            return;
        }
        for (Path p = chroot.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            try {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                boolean writable = a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                        || a.permissions().contains(PosixFilePermission.OTHERS_WRITE);
                if (!"root".equals(a.owner().getName()) || writable) {
                    out.add(finding(Severity.CRITICAL, where, "SFTP_CHROOT_UNSAFE", p + " (a component of ChrootDirectory)"
                            + " must be owned by root and not group or other writable; sshd refuses the login"));
                }
            } catch (IOException | UnsupportedOperationException e) {
                out.add(finding(Severity.WARNING, where, "SFTP_CHROOT_MISSING", "cannot check " + p + ": " + e));
            }
        }
    }

    private static Finding finding(Severity severity, String source, String code, String message) {
        return new Finding(severity, source, null, null, code, message);
    }
}
