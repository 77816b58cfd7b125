package io.segvault.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every Terraform file parses, and the loader refuses broken HCL instead of reading what it can. */
class TerraformSyntaxTest {

    @TestFactory
    Stream<DynamicTest> everyTerraformFileParses() {
        List<Path> files = TerraformTree.hclFiles();
        assertThat(files).as("Terraform files under %s", TerraformTree.ROOT).hasSizeGreaterThanOrEqualTo(25);
        return files.stream().map(file -> DynamicTest.dynamicTest(TerraformTree.ROOT.relativize(file).toString(),
            () -> assertThat(HclLoader.load(file)).as("top-level blocks of %s", file).isNotEmpty()));
    }

    static Stream<Arguments> brokenHcl() {
        return Stream.of(
            Arguments.of("unclosed-block.tf", "resource \"a\" \"b\" {\n  x = 1\n"),
            Arguments.of("missing-value.tf", "resource \"a\" \"b\" {\n  x =\n}\n"),
            Arguments.of("unclosed-list.tf", "resource \"a\" \"b\" {\n  x = [1, 2\n}\n"),
            Arguments.of("missing-open-brace.tf", "resource \"a\" \"b\"\n  x = 1\n}\n"),
            Arguments.of("unterminated-string.tf", "resource \"a\" \"b\" {\n  x = \"abc\n}\n"),
            Arguments.of("dangling-operator.tf", "resource \"a\" \"b\" {\n  x = 1 +\n}\n"),
            Arguments.of("attribute-without-name.tf", "resource \"a\" \"b\" {\n  = 1\n}\n"),
            Arguments.of("double-equals.tf", "resource \"a\" \"b\" {\n  x == 1\n}\n"),
            Arguments.of("unclosed-map.tf", "locals {\n  a = {\n    b = 1\n}\n"),
            Arguments.of("extra-close-brace.tf", "resource \"a\" \"b\" {\n  x = 1\n}\n}\n"),
            Arguments.of("unclosed-call.tf", "resource \"a\" \"b\" {\n  x = max(1, 2\n}\n"),
            Arguments.of("mismatched-brackets.tf", "resource \"a\" \"b\" {\n  x = [1, 2)\n}\n"),
            Arguments.of("unclosed-heredoc.tf", "locals {\n  a = <<EOT\nhello\n}\n"),
            Arguments.of("unclosed-comment.tf", "/* no end\nresource \"a\" \"b\" {}\n"),
            Arguments.of("unclosed-interpolation.tf", "locals {\n  a = \"${var.x\"\n}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenHcl")
    void brokenHclFailsTheLoad(String name, String text) {
        assertThatThrownBy(() -> HclLoader.parse(Path.of(name), text))
            .isInstanceOf(HclSyntaxException.class)
            .hasMessageStartingWith(name + ": ");
    }

    @Test
    void validHclWithDelimitersInStringsCommentsAndHeredocsParses() {
        String text = """
            # a comment with { and [ that open nothing
            locals {
              /* a block comment } ] ) */
              a = "braces } in a string ${var.x} and ${jsonencode({ k = "v" })}"
              b = "$${not_a_template} and %%{ not_a_directive }"
              c = <<-EOT
                a heredoc with { and "quotes"
                EOT
              d = [for s in var.list : upper(s) if s != ""] // trailing comment (
            }
            """;
        List<HclBlock> blocks = HclLoader.parse(Path.of("valid.tf"), text);
        assertThat(blocks).singleElement().satisfies(locals -> {
            assertThat(locals.type()).isEqualTo("locals");
            assertThat(locals.attributes()).containsOnlyKeys("a", "b", "c", "d");
        });
    }

    @Test
    void reportsTheLineOfAStrayClosingBrace() {
        assertThatThrownBy(() -> HclLoader.parse(Path.of("stray.tf"), "locals {\n  a = 1\n}\n\n}\n"))
            .hasMessage("stray.tf: '}' on line 5 closes nothing");
    }
}
