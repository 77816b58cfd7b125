package io.segvault.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code terraform fmt -check}, {@code validate} and {@code terraform test} (mocked provider, offline) where a working
 * terraform binary exists. What cannot run is logged as NOT RUN with the reason; nothing is silently skipped.
 *
 * <p>{@code init} needs the hashicorp/aws provider. The tests never download it: they install it from the directory
 * in system property {@code segvault.terraform.pluginDir} (a provider mirror, set in terraform/pom.xml) when that
 * exists. Without it only agent-config, which needs no provider, is validated and tested.
 */
class TerraformCliTest {
    private static final Logger LOG = LoggerFactory.getLogger(TerraformCliTest.class);

    @TempDir
    static Path scratch;

    private static Optional<TerraformCli> terraform;

    @BeforeAll
    static void findTerraform() {
        terraform = TerraformCli.find(scratch);
        if (terraform.isEmpty()) {
            LOG.warn("NOT RUN: terraform fmt -check, validate and terraform test: no working terraform binary "
                + "(looked at -Dsegvault.terraform.bin and PATH)");
        } else {
            LOG.info("terraform binary: {}", terraform.get().binary());
        }
    }

    @Test
    void everyFileIsFormattedAsTerraformFmtWouldWriteIt() {
        if (terraform.isEmpty()) {
            return;
        }
        TerraformCli.Result fmt = terraform.get().run(TerraformTree.ROOT, "fmt", "-check", "-recursive", "-diff",
            "-no-color", "modules", "examples");
        assertThat(fmt.ok()).as(fmt.describe()).isTrue();
    }

    @Test
    void fmtCheckFailsOnMisformattedCode() throws IOException {
        if (terraform.isEmpty()) {
            return;
        }
        Path dir = Files.createDirectories(scratch.resolve("misformatted"));
        Files.writeString(dir.resolve("main.tf"), "locals {\n    a=1\n}\n");
        TerraformCli.Result fmt = terraform.get().run(dir, "fmt", "-check", "-no-color");
        assertThat(fmt.exitCode()).as(fmt.describe()).isNotZero();
        assertThat(fmt.output()).contains("main.tf");
    }

    @TestFactory
    Stream<DynamicTest> everyConfigurationValidatesAndPassesItsTerraformTests() throws IOException {
        if (terraform.isEmpty()) {
            return Stream.empty();
        }
        Path copy = copyTree(Files.createDirectories(scratch.resolve("tree")));
        Optional<Path> mirror = Optional.of(System.getProperty("segvault.terraform.pluginDir", ""))
            .filter(s -> !s.isBlank()).map(Path::of).filter(Files::isDirectory);
        return TerraformTree.configurations().stream().map(TerraformTree.ROOT::relativize).map(relative ->
            DynamicTest.dynamicTest(relative.toString(), () -> validateAndTest(copy.resolve(relative), mirror)));
    }

    private static void validateAndTest(Path dir, Optional<Path> mirror) throws IOException {
        TerraformCli cli = terraform.orElseThrow();
        boolean needsProvider = Files.readString(dir.resolve("versions.tf")).contains("required_providers");
        if (needsProvider && mirror.isEmpty()) {
            LOG.warn("NOT RUN: terraform validate and terraform test of {}: terraform init -backend=false needs the "
                + "hashicorp/aws provider, which this test never downloads, and -Dsegvault.terraform.pluginDir "
                + "names no existing mirror directory", dir.getFileName());
            return;
        }
        List<String> init = new ArrayList<>(List.of("init", "-backend=false", "-input=false", "-no-color"));
        mirror.filter(m -> needsProvider).ifPresent(m -> init.add("-plugin-dir=" + m));
        TerraformCli.Result initialised = cli.run(dir, init.toArray(String[]::new));
        if (!initialised.ok()) {
            LOG.warn("NOT RUN: terraform validate and terraform test of {}: terraform init -backend=false failed: {}",
                dir.getFileName(), initialised.firstError());
            return;
        }
        TerraformCli.Result validate = cli.run(dir, "validate", "-no-color");
        assertThat(validate.ok()).as(validate.describe()).isTrue();
        if (Files.isDirectory(dir.resolve("tests"))) {
            TerraformCli.Result test = cli.run(dir, "test", "-no-color");
            assertThat(test.ok()).as(test.describe()).isTrue();
            assertThat(test.output()).contains("Success!").doesNotContain(" 0 passed");
            LOG.info("terraform test of {}: {}", dir.getFileName(), test.output().lines()
                .filter(l -> l.startsWith("Success!")).findFirst().orElse(""));
        }
    }

    /** Copies modules/ and examples/ so that init writes .terraform and lock files outside the source tree. */
    private static Path copyTree(Path target) throws IOException {
        for (String top : List.of("modules", "examples")) {
            Path source = TerraformTree.ROOT.resolve(top);
            try (Stream<Path> paths = Files.walk(source)) {
                for (Path path : paths.filter(p -> !p.toString().contains(".terraform")).toList()) {
                    Path destination = target.resolve(top).resolve(source.relativize(path).toString());
                    if (Files.isDirectory(path)) {
                        Files.createDirectories(destination);
                    } else {
                        Files.copy(path, destination);
                    }
                }
            }
        }
        return target;
    }
}
