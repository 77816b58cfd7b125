package io.segvault.terraform;

import com.bertramlabs.plugins.hcl4j.symbols.HCLArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Terraform code of this Maven module: terraform/modules/* and terraform/examples/*. */
final class TerraformTree {
    /** Maven runs the tests in the module directory, terraform/. */
    static final Path ROOT = Path.of("").toAbsolutePath();

    private TerraformTree() {
    }

    /** Every .tf and .tftest.hcl file under modules/ and examples/, outside .terraform working directories. */
    static List<Path> hclFiles() {
        return Stream.of("modules", "examples").flatMap(dir -> walk(ROOT.resolve(dir)))
            .filter(p -> p.toString().endsWith(".tf") || p.toString().endsWith(".tftest.hcl"))
            .sorted().toList();
    }

    /** Directories that are Terraform configurations: each module and each example. */
    static List<Path> configurations() {
        return Stream.of("modules", "examples").flatMap(dir -> list(ROOT.resolve(dir)))
            .filter(Files::isDirectory).sorted().toList();
    }

    /** Loads the .tf files (not the tests) of one configuration, for example {@code modules/bucket}. */
    static Configuration load(String relative) {
        return load(ROOT.resolve(relative));
    }

    static Configuration load(Path dir) {
        List<HclBlock> blocks = list(dir).filter(p -> p.toString().endsWith(".tf"))
            .sorted().flatMap(p -> HclLoader.load(p).stream()).toList();
        return new Configuration(dir, blocks);
    }

    private static Stream<Path> walk(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile)
                .filter(p -> !ROOT.relativize(p).toString().contains(".terraform"))
                .toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static Stream<Path> list(Path dir) {
        try (Stream<Path> paths = Files.list(dir)) {
            return paths.toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** The top-level blocks of one Terraform configuration directory. */
    record Configuration(Path dir, List<HclBlock> blocks) {
        private static final Pattern SOURCE = Pattern.compile("data\\.aws_iam_policy_document\\.(\\w+)\\.json");

        List<HclBlock> all(String type) {
            return blocks.stream().filter(b -> b.type().equals(type)).toList();
        }

        HclBlock resource(String resourceType, String name) {
            return find("resource", resourceType, name);
        }

        HclBlock data(String dataType, String name) {
            return find("data", dataType, name);
        }

        HclBlock module(String name) {
            return find("module", name);
        }

        /** The expression a local value is defined as, as {@link Expressions#text}. */
        String local(String name) {
            return all("locals").stream().filter(b -> b.attributes().containsKey(name)).findFirst()
                .map(b -> b.text(name))
                .orElseThrow(() -> new NoSuchElementException(dir + " defines no local '" + name + "'"));
        }

        /** The elements of a local value that is a list literal, each as {@link Expressions#text}. */
        List<String> localList(String name) {
            return all("locals").stream().filter(b -> b.attributes().containsKey(name)).findFirst()
                .map(b -> b.list(name))
                .orElseThrow(() -> new NoSuchElementException(dir + " defines no local '" + name + "'"));
        }

        /**
         * The statements of a policy document and of the documents of this configuration it lists in
         * {@code source_policy_documents = [data.aws_iam_policy_document.<name>.json, ...]}.
         */
        List<PolicyStatement> policy(String documentName) {
            HclBlock document = data("aws_iam_policy_document", documentName);
            List<PolicyStatement> statements = new ArrayList<>(PolicyStatement.of(document));
            document.attribute("source_policy_documents").filter(HCLArray.class::isInstance)
                .ifPresent(sources -> document.list("source_policy_documents").stream()
                    .map(SOURCE::matcher).filter(Matcher::matches)
                    .forEach(m -> statements.addAll(policy(m.group(1)))));
            return List.copyOf(statements);
        }

        private HclBlock find(String type, String... labels) {
            return blocks.stream().filter(b -> b.is(type, labels)).findFirst()
                .orElseThrow(() -> new NoSuchElementException(dir + " has no " + type + " " + String.join(" ", labels)));
        }
    }
}
