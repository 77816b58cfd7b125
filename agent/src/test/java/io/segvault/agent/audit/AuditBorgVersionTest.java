package io.segvault.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.agent.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code segvault audit --borg PROGRAM}: the installed borg against releases with security fixes. */
class AuditBorgVersionTest {

    @Test
    void versions_before_1_2_5_are_critical() {
        assertThat(BorgVersionCheck.check("borg", "borg 1.2.4\n")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.code()).isEqualTo("BORG_VULNERABLE");
            assertThat(f.message()).startsWith("borg 1.2.4 predates 1.2.5, which fixes CVE-2023-36811");
        });
        assertThat(BorgVersionCheck.check("borg", "borg 1.1.18")).extracting(Finding::code).containsExactly("BORG_VULNERABLE");
        assertThat(BorgVersionCheck.check("borg", "borg 1.2.5")).isEmpty();
        assertThat(BorgVersionCheck.check("borg", "borg 1.4.0")).isEmpty();
        assertThat(BorgVersionCheck.check("borg", "borg2 2.0.0b14")).isEmpty();
        assertThat(BorgVersionCheck.check("borg", "no version here")).extracting(Finding::code)
                .containsExactly("BORG_VERSION_UNKNOWN");
    }

    @Test
    void the_command_checks_the_installed_borg_and_names_a_missing_program() {
        String installed = BorgVersionCheck.checkInstalled("borg").stream().map(Finding::code).findFirst().orElse("OK");
        StringWriter out = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "audit", "--borg", "borg");
        assertThat(installed).isIn("OK", "BORG_VULNERABLE");
        assertThat(code).isEqualTo("OK".equals(installed) ? 0 : 3);
        assertThat(BorgVersionCheck.checkInstalled("/nonexistent/borg")).singleElement()
                .satisfies(f -> assertThat(f.message()).startsWith("cannot run /nonexistent/borg"));
    }
}
