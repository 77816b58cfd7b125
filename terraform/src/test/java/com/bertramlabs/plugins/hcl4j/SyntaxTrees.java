package com.bertramlabs.plugins.hcl4j;

import com.bertramlabs.plugins.hcl4j.symbols.Symbol;
import java.io.IOException;
import java.io.Reader;
import java.util.List;

/**
 * Gives the tests hcl4j's syntax tree before evaluation.
 *
 * <p>{@code HCLParser.parse} evaluates expressions as it goes (it turns {@code a >= b} into one of the operands and an
 * unknown function call into null), so assertions on it would check what hcl4j made of the code rather than the code.
 * The lexer that builds the tree is package-private, hence this one class in hcl4j's package (test classpath only). It
 * also reports input the lexer ended in the middle of, which hcl4j itself lets pass.
 */
public final class SyntaxTrees {
    private SyntaxTrees() {
    }

    /**
     * Lexes HCL into its top-level symbols.
     *
     * @throws HCLParserException on illegal input, or when the input ends inside a block or expression
     */
    public static List<Symbol> lex(Reader reader) throws IOException, HCLParserException {
        HCLLexer lexer = new HCLLexer(reader);
        lexer.yylex();
        if (lexer.yystate() != HCLLexer.YYINITIAL || lexer.currentBlock != null) {
            throw new HCLParserException("input ends inside "
                + (lexer.currentBlock != null ? "block '" + lexer.currentBlock.getName() + "'" : "an expression")
                + " (lexer state " + lexer.yystate() + ")");
        }
        return lexer.elementStack;
    }
}
