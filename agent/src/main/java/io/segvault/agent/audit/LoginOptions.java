package io.segvault.agent.audit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options field of one authorized_keys line, read the way OpenSSH's sshd reads it: comma-separated options, names
 * case-insensitive, values in double quotes with {@code \"} standing for a quote, options applied in order (so
 * {@code restrict,pty} re-enables the pty while {@code pty,restrict} does not). sshd ignores a line whose options it
 * cannot read; {@link #parse(String)} throws {@link InvalidOptionsException} for the same lines.
 *
 * <p>MINA SSHD's own {@code AuthorizedKeyEntry.parseLoginOptions} is not used for this: it rejects {@code \"} inside a
 * quoted command, rejects a repeated flag such as {@code restrict,restrict} that sshd accepts, and joins two
 * {@code command=} options into one where sshd refuses the line.
 *
 * @param options every option in the order written; names in lower case, value null for a flag
 */
record LoginOptions(List<Option> options) {

    /** One option: a flag (value null) or a {@code name="value"} option. */
    record Option(String name, String value) {
    }

    static final LoginOptions NONE = new LoginOptions(List.of());

    private static final Set<String> FLAGS = Set.of("restrict", "cert-authority", "no-touch-required", "verify-required",
            "port-forwarding", "no-port-forwarding", "agent-forwarding", "no-agent-forwarding",
            "x11-forwarding", "no-x11-forwarding", "pty", "no-pty", "user-rc", "no-user-rc");
    private static final Set<String> VALUED = Set.of("command", "environment", "expiry-time", "from", "permitlisten",
            "permitopen", "principals", "tunnel");
    /** Options sshd refuses to see twice on one line. */
    private static final Set<String> SINGLE = Set.of("command", "from", "principals");
    /** What {@code restrict} switches off, in the spelling sshd(8) uses. */
    static final List<String> CAPABILITIES = List.of("port-forwarding", "agent-forwarding", "X11-forwarding", "pty", "user-rc");

    LoginOptions {
        options = List.copyOf(options);
    }

    /** An options field sshd would refuse; the message says what is wrong. */
    static final class InvalidOptionsException extends Exception {
        InvalidOptionsException(String message) {
            super(message);
        }
    }

    /**
     * Where the options field of a line ends: the first space or tab outside double quotes ({@code \"} does not
     * toggle quoting). Throws when a quote is never closed.
     */
    static int endOfOptions(String line) throws InvalidOptionsException {
        boolean quoted = false;
        int i = 0;
        for (; i < line.length(); i++) {
            char c = line.charAt(i);
            if (!quoted && (c == ' ' || c == '\t')) {
                break;
            }
            if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            }
        }
        if (quoted) {
            throw new InvalidOptionsException("a double quote in the options is never closed");
        }
        return i;
    }

    /** Parses an options field (without the key that follows it); an empty string gives {@link #NONE}. */
    static LoginOptions parse(String text) throws InvalidOptionsException {
        if (text.isEmpty()) {
            return NONE;
        }
        List<Option> parsed = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int i = 0;
        while (true) {
            int start = i;
            while (i < text.length() && ",=\"".indexOf(text.charAt(i)) < 0) {
                i++;
            }
            String name = text.substring(start, i).toLowerCase(Locale.ROOT);
            String value = null;
            if (i < text.length() && text.charAt(i) == '=') {
                if (i + 1 >= text.length() || text.charAt(i + 1) != '"') {
                    throw new InvalidOptionsException("the value of option '" + name + "' is not in double quotes");
                }
                StringBuilder v = new StringBuilder();
                i = dequote(text, i + 2, v);
                value = v.toString();
            }
            parsed.add(checked(name, value, seen));
            if (i >= text.length()) {
                return new LoginOptions(parsed);
            }
            if (text.charAt(i) != ',') {
                throw new InvalidOptionsException("unexpected '" + text.charAt(i) + "' after option '" + name + "'");
            }
            i++;
        }
    }

    /** Copies a quoted value starting after its opening quote; returns the index after the closing quote. */
    private static int dequote(String text, int from, StringBuilder value) throws InvalidOptionsException {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                value.append('"');
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                value.append(c);
                i++;
            }
        }
        throw new InvalidOptionsException("a double quote in the options is never closed");
    }

    private static Option checked(String name, String value, Set<String> seen) throws InvalidOptionsException {
        if (name.isEmpty()) {
            throw new InvalidOptionsException("empty option (two commas, or a comma at the end)");
        }
        if (value == null && !FLAGS.contains(name)) {
            throw new InvalidOptionsException(VALUED.contains(name)
                    ? "option '" + name + "' needs a value" : "unknown option '" + name + "'");
        }
        if (value != null && !VALUED.contains(name)) {
            throw new InvalidOptionsException(FLAGS.contains(name)
                    ? "option '" + name + "' takes no value" : "unknown option '" + name + "'");
        }
        if (!seen.add(name) && SINGLE.contains(name)) {
            throw new InvalidOptionsException("option '" + name + "' appears more than once");
        }
        return new Option(name, value);
    }

    /** The value of a {@code name="..."} option, or null when absent. */
    String value(String name) {
        return options.stream().filter(o -> o.name().equals(name) && o.value() != null)
                .map(Option::value).findFirst().orElse(null);
    }

    boolean has(String flag) {
        return options.stream().anyMatch(o -> o.name().equals(flag) && o.value() == null);
    }

    /** The forced command, or null. */
    String command() {
        return value("command");
    }

    /** The from= pattern list, or null. */
    String from() {
        return value("from");
    }

    /** True when the line says {@code restrict} or every one of its no-* equivalents. */
    boolean restrictIntended() {
        return has("restrict") || CAPABILITIES.stream().allMatch(c -> has("no-" + c.toLowerCase(Locale.ROOT)));
    }

    /** The capabilities (names from {@link #CAPABILITIES}) that stay enabled after every option is applied in order. */
    List<String> openCapabilities() {
        Map<String, Boolean> open = new LinkedHashMap<>();
        CAPABILITIES.forEach(c -> open.put(c, true));
        for (Option o : options) {
            if (o.value() != null) {
                continue;
            }
            if (o.name().equals("restrict")) {
                open.replaceAll((c, v) -> false);
            }
            for (String c : CAPABILITIES) {
                String lower = c.toLowerCase(Locale.ROOT);
                if (o.name().equals(lower)) {
                    open.put(c, true);
                } else if (o.name().equals("no-" + lower)) {
                    open.put(c, false);
                }
            }
        }
        return open.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }
}
