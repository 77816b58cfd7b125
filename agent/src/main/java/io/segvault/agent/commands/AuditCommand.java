package io.segvault.agent.commands;

import io.segvault.agent.audit.AuditInputException;
import io.segvault.agent.audit.AuditReport;
import io.segvault.agent.audit.AuditReportWriter;
import io.segvault.agent.audit.BorgVersionCheck;
import io.segvault.agent.audit.FenceAudit;
import io.segvault.agent.audit.Finding;
import io.segvault.agent.audit.Severity;
import io.segvault.agent.audit.SshdConfigAudit;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code segvault audit}: runs {@link FenceAudit} and prints the report. Exit code 0 when no finding is above INFO,
 * {@value #EXIT_FINDINGS} when one is, {@value #EXIT_USAGE} for a usage error or an input that cannot be read (one
 * line on stderr naming the file and the problem).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Checks the SSH fences of a Borg backup server: every authorized_keys key must be forced to"
                + " 'borg serve --append-only --restrict-to-repository REPO' with 'restrict' (prune-host keys may omit"
                + " --append-only and should carry from=), and every repository needs append_only = 1.",
                "See docs/ssh-fences.md for each finding code."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:no finding above INFO", "3:findings above INFO", "2:usage error or unreadable input"})
public final class AuditCommand implements Callable<Integer> {

    public static final int EXIT_FINDINGS = 3;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--authorized-keys", paramLabel = "FILE",
            description = "An authorized_keys file to audit (repeatable).")
    List<Path> authorizedKeys = new ArrayList<>();

    @Option(names = "--sshd-config", paramLabel = "FILE",
            description = "Pull mode: an sshd_config whose Match block for the vault host's SFTP account is checked"
                    + " (read-only, chrooted, no forwarding, no PTY; docs/pull-mode.md). Alone, or with the options above.")
    Path sshdConfig;

    @Option(names = "--borg", paramLabel = "PROGRAM",
            description = "Also check the installed borg (PROGRAM --version, e.g. borg) against releases with security"
                    + " fixes (1.2.5: CVE-2023-36811).")
    String borg;

    @Option(names = "--repos", paramLabel = "DIR",
            description = "The directory holding the Borg repositories (searched for repositories below it).")
    Path reposDir;

    @Option(names = "--prune-key", paramLabel = "FINGERPRINT",
            description = "SHA256 fingerprint (ssh-keygen -l) of a prune-host key, allowed to run borg serve without"
                    + " --append-only (repeatable).")
    List<String> pruneKeys = new ArrayList<>();

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        checkOptions();
        List<Finding> extra;
        try {
            extra = pullModeAndBorgFindings(out);
        } catch (AuditInputException e) {
            return inputError(e);
        }
        boolean extraPassed = extra.stream().allMatch(f -> f.severity() == Severity.INFO);
        if (authorizedKeys.isEmpty()) {
            out.flush();
            return extraPassed ? 0 : EXIT_FINDINGS;
        }
        FenceAudit audit;
        try {
            audit = new FenceAudit(pruneKeys);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--prune-key: " + e.getMessage());
        }
        AuditReport report;
        try {
            report = audit.audit(authorizedKeys, reposDir);
        } catch (AuditInputException e) {
            return inputError(e);
        }
        if (json) {
            AuditReportWriter.json(report, out);
        } else {
            AuditReportWriter.table(report, out);
        }
        out.flush();
        return report.passed() && extraPassed ? 0 : EXIT_FINDINGS;
    }

    private void checkOptions() {
        if (authorizedKeys.isEmpty() != (reposDir == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '"
                    + (reposDir == null ? "--repos=DIR" : "--authorized-keys=FILE") + "' (--authorized-keys and --repos go together)");
        }
        if (authorizedKeys.isEmpty() && sshdConfig == null && borg == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --authorized-keys FILE --repos DIR (push mode),"
                    + " --sshd-config FILE (pull mode), --borg PROGRAM, or several");
        }
    }

    /** The --borg and --sshd-config findings, printed one per line. */
    private List<Finding> pullModeAndBorgFindings(PrintWriter out) throws AuditInputException {
        List<Finding> extra = new ArrayList<>();
        if (borg != null) {
            extra.addAll(BorgVersionCheck.checkInstalled(borg));
        }
        if (sshdConfig != null) {
            List<Finding> block = SshdConfigAudit.audit(sshdConfig);
            extra.addAll(block);
            out.println(sshdConfig + ": " + (block.isEmpty() ? "the SFTP account's Match block is read-only, chrooted, without"
                    + " forwarding or PTY" : block.size() + " findings"));
        }
        extra.forEach(f -> out.println(f.severity() + " " + f.code() + " " + f.source() + ": " + f.message()));
        return extra;
    }

    private int inputError(AuditInputException e) {
        spec.commandLine().getErr().println("segvault audit: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return EXIT_USAGE;
    }
}
