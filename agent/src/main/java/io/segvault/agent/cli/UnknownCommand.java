package io.segvault.agent.cli;

import io.segvault.core.config.AgentConfigLoader;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The command word of a command line that names no command. Checked before picocli parses, because picocli lets
 * {@code --help} win over an unmatched word ({@code segvault witnes --help} would print the top-level help and exit 0).
 */
public final class UnknownCommand {

    private UnknownCommand() {
    }

    /** The first word that is not an option, when it is not one of {@code cl}'s commands; else null. */
    public static String find(CommandLine cl, String... args) {
        for (String a : args) {
            if ("--".equals(a)) {
                return null;
            }
            if (!a.startsWith("-")) {
                return cl.getSubcommands().containsKey(a) ? null : a;
            }
        }
        return null;
    }

    /** "unknown command 'X'" with the nearest command (a typo or a unique prefix), else the list of commands. */
    public static String message(CommandLine cl, String word) {
        List<String> names = new ArrayList<>(cl.getSubcommands().keySet());
        String best = null;
        int bestDistance = Math.max(2, word.length() / 3) + 1;
        for (String n : names) {
            int d = AgentConfigLoader.editDistance(word, n);
            if (d < bestDistance) {
                best = n;
                bestDistance = d;
            }
        }
        List<String> prefixed = names.stream().filter(n -> n.startsWith(word)).toList();
        if (best == null && prefixed.size() == 1) {
            best = prefixed.get(0);
        }
        String hint = best != null ? " (did you mean '" + best + "'?)" : "; the commands are " + String.join(", ", names);
        return "unknown command '" + word + "'" + hint + "; see 'segvault --help'";
    }
}
