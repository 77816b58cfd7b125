package io.segvault.agent;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.constructors;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.segvault.core.util.Threads;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the AWS SDK inside the S3 adapter and picocli inside the agent, the agent's packages in layers without cycles,
 * and thread pools in the wiring (main code of both modules).
 */
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

    /** The classes that may create threads and pools: the wiring, and the one thread factory it uses. */
    private static final String WIRING = "io\\.segvault\\.agent\\.wiring\\.Wiring";
    private static final String THREADS = "io\\.segvault\\.core\\.util\\.(Threads|BoundedPool)";

    @Test
    void no_package_cycles_in_the_agent() {
        slices().matching("io.segvault.agent.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void agent_layers() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("main").definedBy("io.segvault.agent")
                .layer("commands").definedBy("io.segvault.agent.commands..")
                .layer("daemon").definedBy("io.segvault.agent.daemon..")
                .layer("wiring").definedBy("io.segvault.agent.wiring..")
                .layer("cli").definedBy("io.segvault.agent.cli..")
                .layer("audit").definedBy("io.segvault.agent.audit..")
                .whereLayer("main").mayNotBeAccessedByAnyLayer()
                .whereLayer("commands").mayOnlyBeAccessedByLayers("main")
                .whereLayer("daemon").mayOnlyBeAccessedByLayers("commands")
                .whereLayer("wiring").mayOnlyBeAccessedByLayers("commands", "daemon")
                .whereLayer("cli").mayOnlyBeAccessedByLayers("main", "commands", "daemon", "wiring")
                .whereLayer("audit").mayOnlyBeAccessedByLayers("commands", "daemon")
                .check(classes);
    }

    @Test
    void thread_pools_only_in_the_wiring() {
        noClasses().that().haveNameNotMatching(WIRING + "(\\$.*)?").and().haveNameNotMatching(THREADS + "(\\$.*)?")
                .should().dependOnClassesThat().belongToAnyOf(Executors.class, ThreadPoolExecutor.class,
                        ScheduledThreadPoolExecutor.class, ForkJoinPool.class)
                .orShould().callConstructorWhere(target(owner(assignableTo(Thread.class))))
                .orShould().accessField(Threads.class, "POOLS")
                .orShould().callMethod(Threads.class, "daemon", String.class)
                .because("one place builds the object graph, pools included (docs/architecture.md)")
                .check(classes);
    }

    @Test
    void no_constructor_over_six_parameters_without_a_reason() {
        constructors().that().areDeclaredInClassesThat().areNotEnums()
                // each has a comment beside its constructor that says why its collaborators stay separate parameters
                .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName("io.segvault.core.witness.PointWitness")
                .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName("io.segvault.core.replicate.PointWriter")
                .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName("io.segvault.core.replicate.Replicator")
                .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName("io.segvault.core.replicate.RepositoryPass")
                .should(new ArchCondition<JavaConstructor>("take at most 6 parameters (records excepted: components are data)") {
                    @Override
                    public void check(JavaConstructor c, ConditionEvents events) {
                        boolean record = c.getOwner().getRawSuperclass().map(t -> t.isEquivalentTo(Record.class)).orElse(false);
                        int n = c.getRawParameterTypes().size() - (c.getOwner().isInnerClass() ? 1 : 0);
                        if (!record && n > 6) {
                            events.add(SimpleConditionEvent.violated(c, c.getFullName() + " takes " + n + " parameters"));
                        }
                    }
                })
                .check(classes);
    }
}
