package io.segvault.terraform;

import com.bertramlabs.plugins.hcl4j.RuntimeSymbols.StringInterpolatedExpression;
import com.bertramlabs.plugins.hcl4j.RuntimeSymbols.Variable;
import com.bertramlabs.plugins.hcl4j.RuntimeSymbols.VariableTree;
import com.bertramlabs.plugins.hcl4j.symbols.HCLArray;
import com.bertramlabs.plugins.hcl4j.symbols.HCLValue;
import com.bertramlabs.plugins.hcl4j.symbols.Symbol;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads hcl4j expression symbols without evaluating them. */
final class Expressions {
    private Expressions() {
    }

    /** A literal value as text ({@code "COMPLIANCE"} gives COMPLIANCE, {@code true} gives true); empty for expressions. */
    static Optional<String> literal(Symbol expression) {
        if (expression instanceof HCLValue value && value.value != null) {
            return Optional.of(value.value.toString());
        }
        return Optional.empty();
    }

    /** The elements of a list expression ({@code [a, b]}) as text; fails on anything else. */
    static List<String> elements(Symbol expression) {
        if (!(expression instanceof HCLArray)) {
            throw new IllegalStateException("expected a list, found " + text(expression));
        }
        return children(expression).stream().map(Expressions::text).toList();
    }

    /**
     * Source-like text of an expression: literals as themselves, {@code var.x}, {@code f(a, b)}, {@code [a, b]},
     * {@code "${var.bucket_arn}/*"} as {@code ${var.bucket_arn}/*}, operators between their operands.
     */
    static String text(Symbol expression) {
        if (expression instanceof HCLValue value) {
            return String.valueOf(value.value);
        }
        if (expression instanceof HCLArray) {
            return children(expression).stream().map(Expressions::text).collect(Collectors.joining(", ", "[", "]"));
        }
        if (expression instanceof VariableTree tree) {
            return children(tree).stream()
                .map(part -> part instanceof HCLArray ? text(part) : part.getName())
                .collect(Collectors.joining(".")).replace(".[", "[");
        }
        if (expression instanceof Variable) {
            return expression.getName();
        }
        if (expression instanceof StringInterpolatedExpression) {
            return children(expression).stream()
                .filter(part -> !"+".equals(part.getName()))
                .map(part -> part instanceof HCLValue || part instanceof StringInterpolatedExpression
                    ? text(part) : "${" + text(part) + "}")
                .collect(Collectors.joining());
        }
        if ("Function".equals(expression.getSymbolName())) {
            return expression.getName() + children(expression).stream().map(Expressions::text)
                .collect(Collectors.joining(", ", "(", ")"));
        }
        String inner = children(expression).stream().map(Expressions::text).collect(Collectors.joining(" "));
        return expression.getName() == null ? inner : (expression.getName() + " " + inner).strip();
    }

    /** Renders the operand sequence of an attribute value (hcl4j keeps {@code a ? b : c} as siblings). */
    static String text(List<Symbol> sequence) {
        return sequence.stream().map(Expressions::text).collect(Collectors.joining(" "));
    }

    static List<Symbol> children(Symbol symbol) {
        return symbol.getChildren() == null ? List.of() : symbol.getChildren();
    }
}
