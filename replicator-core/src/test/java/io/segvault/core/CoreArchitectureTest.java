package io.segvault.core;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.segvault.core.store.BucketInspector;
import io.segvault.core.store.ObjectDeleter;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.OnceWriter;
import io.segvault.core.store.RetentionExtender;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The core's structure as docs/architecture.md draws it (main code only). */
class CoreArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.segvault.core");
    }

    @Test
    void no_package_cycles() {
        slices().matching("io.segvault.core.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void layers_as_drawn_in_the_architecture_doc() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("pipeline").definedBy("io.segvault.core.replicate..", "io.segvault.core.follow..",
                        "io.segvault.core.remote..")
                .layer("read side").definedBy("io.segvault.core.restore..", "io.segvault.core.verify..",
                        "io.segvault.core.gc..", "io.segvault.core.witness..")
                .layer("config").definedBy("io.segvault.core.config..")
                .layer("ledger").definedBy("io.segvault.core.ledger..")
                .layer("model").definedBy("io.segvault.core.borg..", "io.segvault.core.manifest..",
                        "io.segvault.core.layout..")
                .layer("retention").definedBy("io.segvault.core.retention..")
                .layer("store").definedBy("io.segvault.core.store..", "io.segvault.core.lockproof..")
                .layer("support").definedBy("io.segvault.core.util..", "io.segvault.core.metrics..")
                .whereLayer("pipeline").mayNotBeAccessedByAnyLayer()
                .whereLayer("read side").mayOnlyBeAccessedByLayers("pipeline")
                .whereLayer("config").mayOnlyBeAccessedByLayers("pipeline", "read side")
                .whereLayer("retention").mayOnlyBeAccessedByLayers("pipeline", "read side", "config")
                .whereLayer("ledger").mayOnlyBeAccessedByLayers("pipeline", "retention")
                .whereLayer("model").mayOnlyBeAccessedByLayers("pipeline", "read side", "config", "ledger", "retention")
                .whereLayer("store").mayOnlyBeAccessedByLayers("pipeline", "read side", "retention")
                .check(classes);
    }

    @Test
    void the_read_side_holds_only_the_reading_role() {
        noClasses().that().resideInAnyPackage("io.segvault.core.restore..", "io.segvault.core.verify..")
                .should().dependOnClassesThat().belongToAnyOf(ObjectStore.class, OnceWriter.class, RetentionExtender.class,
                        ObjectDeleter.class, BucketInspector.class)
                .because("restore, points and verify run with the read-only credential (docs/threat-model.md)")
                .check(classes);
        noClasses().that().resideInAnyPackage("io.segvault.core.gc..", "io.segvault.core.witness..")
                .should().dependOnClassesThat().belongToAnyOf(ObjectStore.class, RetentionExtender.class, BucketInspector.class)
                .check(classes);
    }

    @Test
    void aws_sdk_only_in_the_s3_adapter() {
        noClasses().that().resideOutsideOfPackage("io.segvault.core.store.s3..")
                .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..").check(classes);
    }

    @Test
    void no_part_of_the_core_starts_threads_of_its_own() {
        noClasses().that().haveNameNotMatching("io\\.segvault\\.core\\.util\\.(Threads|BoundedPool)(\\$.*)?")
                .should().dependOnClassesThat().belongToAnyOf(Executors.class, ThreadPoolExecutor.class,
                        ScheduledThreadPoolExecutor.class, ForkJoinPool.class)
                .orShould().callConstructorWhere(target(owner(assignableTo(Thread.class))))
                .because("pools come from the wiring (ThreadPools, or the pool itself), never from a part")
                .check(classes);
    }
}
