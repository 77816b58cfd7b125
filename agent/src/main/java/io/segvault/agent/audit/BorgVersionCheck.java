package io.segvault.agent.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The installed borg against releases that fixed security problems the fences rely on. Known fixes: 1.2.5 fixes
 * CVE-2023-36811 (a writer of the repository could make borg accept a spoofed archive).
 */
public final class BorgVersionCheck {

    private static final Pattern VERSION = Pattern.compile("borg\\S*\\s+(\\d+)\\.(\\d+)\\.(\\d+)");

    private BorgVersionCheck() {
    }

    /** Findings for the output of {@code borg --version} (e.g. {@code borg 1.2.4}); {@code source} names the program. */
    static List<Finding> check(String source, String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput.strip());
        if (!m.find()) {
            return List.of(new Finding(Severity.WARNING, source, null, null, "BORG_VERSION_UNKNOWN",
                    "cannot read a borg version from '" + versionOutput.strip() + "'"));
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int patch = Integer.parseInt(m.group(3));
        String version = major + "." + minor + "." + patch;
        if (major == 1 && (minor < 2 || minor == 2 && patch < 5)) {
            return List.of(new Finding(Severity.CRITICAL, source, null, null, "BORG_VULNERABLE", "borg " + version
                    + " predates 1.2.5, which fixes CVE-2023-36811 (a writer of the repository can make borg accept a"
                    + " spoofed archive); upgrade borg on the server and the clients"));
        }
        return List.of();
    }

    /** Runs {@code program --version} and checks it; an unrunnable program is a WARNING naming it. */
    public static List<Finding> checkInstalled(String program) {
        try {
            Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return List.of(new Finding(Severity.WARNING, program, null, null, "BORG_VERSION_UNKNOWN",
                        program + " --version failed: " + out.strip()));
            }
            return check(program, out);
        } catch (IOException e) {
            return List.of(new Finding(Severity.WARNING, program, null, null, "BORG_VERSION_UNKNOWN",
                    "cannot run " + program + ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(new Finding(Severity.WARNING, program, null, null, "BORG_VERSION_UNKNOWN", "interrupted"));
        }
    }
}
