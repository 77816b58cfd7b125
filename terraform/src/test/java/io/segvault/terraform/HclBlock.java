package io.segvault.terraform;

import com.bertramlabs.plugins.hcl4j.symbols.Symbol;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * One HCL block as written (not evaluated): {@code resource "aws_s3_bucket" "this" { ... }} has type {@code resource},
 * labels {@code [aws_s3_bucket, this]}, its attributes as expressions and its nested blocks in source order.
 */
record HclBlock(Path file, int line, String type, List<String> labels, Map<String, Symbol> attributes,
                List<HclBlock> blocks) {

    /** Where this block is, for assertion messages: {@code main.tf:12 resource aws_s3_bucket this}. */
    String where() {
        return file.getFileName() + ":" + line + " " + type + (labels.isEmpty() ? "" : " " + String.join(" ", labels));
    }

    boolean is(String blockType, String... blockLabels) {
        return type.equals(blockType) && labels.equals(List.of(blockLabels));
    }

    List<HclBlock> blocks(String blockType) {
        return blocks.stream().filter(b -> b.type.equals(blockType)).toList();
    }

    /** The only nested block of a type; fails when there is none or more than one. */
    HclBlock block(String blockType) {
        List<HclBlock> found = blocks(blockType);
        if (found.size() != 1) {
            throw new NoSuchElementException(where() + " has " + found.size() + " '" + blockType + "' blocks, expected 1");
        }
        return found.get(0);
    }

    /** The {@code content} blocks of {@code dynamic "<name>"} blocks: what Terraform generates from them. */
    List<HclBlock> dynamicContents(String generatedType) {
        return blocks.stream().filter(b -> b.is("dynamic", generatedType)).map(b -> b.block("content")).toList();
    }

    Optional<Symbol> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    private Symbol required(String name) {
        return attribute(name).orElseThrow(() -> new NoSuchElementException(where() + " has no attribute '" + name + "'"));
    }

    /** The attribute's literal string, number or bool as text; fails when it is an expression. */
    String literal(String name) {
        return Expressions.literal(required(name))
            .orElseThrow(() -> new IllegalStateException(where() + ": '" + name + "' is the expression "
                + Expressions.text(required(name)) + ", not a literal"));
    }

    /** The attribute as source-like text: literals as themselves, references as {@code var.x}, calls as {@code f(a)}. */
    String text(String name) {
        return Expressions.text(required(name));
    }

    /** An object-valued attribute ({@code aws = { source = "..." }}) read like a block. */
    HclBlock object(String name) {
        Symbol value = required(name);
        if (!(value instanceof com.bertramlabs.plugins.hcl4j.symbols.HCLBlock)) {
            throw new IllegalStateException(where() + ": '" + name + "' is " + Expressions.text(value) + ", not an object");
        }
        return HclLoader.toBlock(file, value, List.of(name));
    }

    /** The elements of a list attribute, each as {@link Expressions#text}. */
    List<String> list(String name) {
        return Expressions.elements(required(name));
    }
}
