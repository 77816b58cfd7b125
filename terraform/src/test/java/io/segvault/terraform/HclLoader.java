package io.segvault.terraform;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import com.bertramlabs.plugins.hcl4j.HCLParserException;
import com.bertramlabs.plugins.hcl4j.SyntaxTrees;
import com.bertramlabs.plugins.hcl4j.symbols.HCLAttribute;
import com.bertramlabs.plugins.hcl4j.symbols.HCLBlock;
import com.bertramlabs.plugins.hcl4j.symbols.Symbol;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses Terraform files with hcl4j into {@link HclBlock}s, and refuses any file with a syntax error.
 *
 * <p>A file must pass four checks: hcl4j's full parse, hcl4j's lexer ending outside any block or expression,
 * {@link DelimiterCheck}, and a well-formed tree (only blocks at the top level, every attribute with a value).
 */
final class HclLoader {
    private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());

    private HclLoader() {
    }

    /** Loads one file; throws {@link HclSyntaxException} naming the file when it does not parse. */
    static List<HclBlock> load(Path file) {
        try {
            return parse(file, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Parses text as if it were the file {@code file}. */
    static List<HclBlock> parse(Path file, String text) {
        DelimiterCheck.check(file, text);
        List<Symbol> symbols = lexQuietly(file, text);
        List<HclBlock> blocks = new ArrayList<>();
        for (Symbol symbol : symbols) {
            if (!(symbol instanceof HCLBlock block)) {
                throw new HclSyntaxException(file, "line " + line(symbol) + ": '" + symbol.getName()
                    + "' stands outside any block (a block is not closed or not opened)", null);
            }
            blocks.add(toBlock(file, block, block.blockNames));
        }
        return List.copyOf(blocks);
    }

    /** hcl4j prints a line to System.out for every operator it meets; keep that out of the build log. */
    private static synchronized List<Symbol> lexQuietly(Path file, String text) {
        PrintStream out = System.out;
        System.setOut(DISCARD);
        try {
            new HCLParser().parse(text);
            return SyntaxTrees.lex(new StringReader(text));
        } catch (HCLParserException | IOException | RuntimeException e) {
            throw new HclSyntaxException(file, "hcl4j rejects it: " + e.getMessage(), e);
        } finally {
            System.setOut(out);
        }
    }

    static HclBlock toBlock(Path file, Symbol block, List<String> names) {
        Map<String, Symbol> attributes = new LinkedHashMap<>();
        List<HclBlock> nested = new ArrayList<>();
        for (Symbol child : Expressions.children(block)) {
            if (child instanceof HCLBlock inner) {
                nested.add(toBlock(file, inner, inner.blockNames));
            } else if (child instanceof HCLAttribute attribute) {
                attributes.put(attribute.getName(), value(file, attribute));
            } else {
                throw new HclSyntaxException(file, "line " + line(child) + ": unexpected '" + child.getName()
                    + "' in block " + names, null);
            }
        }
        return new HclBlock(file, line(block), names.get(0), List.copyOf(names.subList(1, names.size())),
            Map.copyOf(attributes), List.copyOf(nested));
    }

    /** hcl4j keeps an attribute's value as one child, or as a sequence of operands and operators. */
    private static Symbol value(Path file, HCLAttribute attribute) {
        List<Symbol> parts = Expressions.children(attribute);
        if (parts.isEmpty()) {
            throw new HclSyntaxException(file, "line " + line(attribute) + ": attribute '" + attribute.getName()
                + "' has no value", null);
        }
        return parts.size() == 1 ? parts.get(0) : new Sequence(parts);
    }

    /** hcl4j counts lines from 0. */
    private static int line(Symbol symbol) {
        return symbol.getLine() == null ? 0 : symbol.getLine() + 1;
    }
}
