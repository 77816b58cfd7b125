package io.segvault.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the AWS SDK inside the S3 adapter and picocli inside the agent (main code of both modules). */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.segvault");
    }

    @Test
    void aws_sdk_only_in_the_s3_adapter() {
        noClasses().that().resideOutsideOfPackage("io.segvault.core.store.s3..")
                .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..")
                .because("storage is a port; S3 is one adapter (docs/architecture.md)")
                .check(classes);
    }

    @Test
    void picocli_only_in_the_agent() {
        noClasses().that().resideOutsideOfPackage("io.segvault.agent..")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .check(classes);
    }

    @Test
    void sshd_only_in_the_sftp_adapter_and_the_audit() {
        noClasses().that().resideOutsideOfPackages("io.segvault.core.remote..", "io.segvault.agent.audit..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.sshd..")
                .because("the borg model reads java.nio.file paths; where they come from is the remote package's business"
                        + " (docs/pull-mode.md)")
                .check(classes);
    }

    @Test
    void core_does_not_depend_on_the_agent() {
        noClasses().that().resideInAPackage("io.segvault.core..")
                .should().dependOnClassesThat().resideInAPackage("io.segvault.agent..")
                .check(classes);
    }
}
