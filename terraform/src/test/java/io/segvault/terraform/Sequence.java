package io.segvault.terraform;

import com.bertramlabs.plugins.hcl4j.symbols.GenericSymbol;
import com.bertramlabs.plugins.hcl4j.symbols.Symbol;
import java.util.List;

/** An attribute value that hcl4j keeps as several sibling symbols, such as {@code a ? b : c} or {@code a >= b}. */
final class Sequence extends GenericSymbol {
    Sequence(List<Symbol> parts) {
        super(null, parts.get(0).getLine(), parts.get(0).getColumn(), parts.get(0).getPosition());
        parts.forEach(this::appendChild);
    }

    @Override
    public String getSymbolName() {
        return "Sequence";
    }
}
