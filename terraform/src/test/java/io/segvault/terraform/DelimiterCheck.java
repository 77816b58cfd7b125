package io.segvault.terraform;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Checks that braces, brackets, parentheses, strings, block comments and heredocs are closed, and closed in order.
 *
 * <p>hcl4j's lexer lets an unclosed list or call, or a stray closing brace, pass without a word; this check closes
 * that gap so that such a file fails the build. It knows just enough HCL to skip comments, string contents (with
 * {@code ${...}} and {@code %{...}} template sequences, which may nest strings) and heredoc bodies.
 */
final class DelimiterCheck {
    private static final char STRING = '"';
    private static final char TEMPLATE = '$';

    private final Path file;
    private final String text;
    private final Deque<Character> open = new ArrayDeque<>();
    private final Deque<Integer> openedAt = new ArrayDeque<>();
    private int pos;
    private int line = 1;

    private DelimiterCheck(Path file, String text) {
        this.file = file;
        this.text = text;
    }

    static void check(Path file, String text) {
        new DelimiterCheck(file, text).run();
    }

    private void run() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (!open.isEmpty() && open.peek() == STRING) {
                inString(c);
            } else {
                inCode(c);
            }
            if (c == '\n') {
                line++;
            }
            pos++;
        }
        if (!open.isEmpty()) {
            throw fail("'" + describe(open.peek()) + "' opened on line " + openedAt.peek() + " is never closed");
        }
    }

    private void inString(char c) {
        if (c == '\\' || ((c == '$' || c == '%') && next() == c)) {
            pos++;
        } else if (c == '"') {
            pop();
        } else if ((c == '$' || c == '%') && next() == '{') {
            pos++;
            push(TEMPLATE);
        } else if (c == '\n') {
            throw fail("string opened on line " + openedAt.peek() + " runs into the end of the line");
        }
    }

    private void inCode(char c) {
        if (c == '#' || (c == '/' && next() == '/')) {
            skipLineComment();
        } else if (c == '/' && next() == '*') {
            skipBlockComment();
        } else if (c == '<' && next() == '<') {
            skipHeredoc();
        } else if (c == '"') {
            push(STRING);
        } else if (c == '{' || c == '[' || c == '(') {
            push(c);
        } else if (c == '}' || c == ']' || c == ')') {
            close(c);
        }
    }

    private void close(char closer) {
        char expected = closer == '}' ? '{' : closer == ']' ? '[' : '(';
        Character top = open.peek();
        boolean matches = top != null && (top == expected || (closer == '}' && top == TEMPLATE));
        if (!matches) {
            throw fail("'" + closer + "' on line " + line + (top == null ? " closes nothing"
                : " does not match '" + describe(top) + "' opened on line " + openedAt.peek()));
        }
        pop();
    }

    private void skipLineComment() {
        int found = text.indexOf('\n', pos);
        pos = (found < 0 ? text.length() : found) - 1;
    }

    private void skipBlockComment() {
        int found = text.indexOf("*/", pos + 2);
        if (found < 0) {
            throw fail("comment opened on line " + line + " is never closed");
        }
        countLines(pos, found);
        pos = found + 1;
    }

    private void skipHeredoc() {
        int eol = text.indexOf('\n', pos);
        String marker = (eol < 0 ? text.substring(pos + 2) : text.substring(pos + 2, eol)).replaceFirst("^-", "").strip();
        if (!marker.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw fail("'<<' on line " + line + " does not start a heredoc");
        }
        int startLine = line;
        int cursor = eol;
        while (cursor >= 0 && cursor < text.length()) {
            int lineEnd = text.indexOf('\n', cursor + 1);
            String body = text.substring(cursor + 1, lineEnd < 0 ? text.length() : lineEnd);
            if (body.strip().equals(marker)) {
                countLines(pos, cursor + 1);
                pos = (lineEnd < 0 ? text.length() : lineEnd) - 1;
                return;
            }
            cursor = lineEnd;
        }
        throw fail("heredoc " + marker + " opened on line " + startLine + " is never closed");
    }

    private void countLines(int from, int to) {
        for (int i = from; i < to && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
    }

    private char next() {
        return pos + 1 < text.length() ? text.charAt(pos + 1) : '\0';
    }

    private void push(char c) {
        open.push(c);
        openedAt.push(line);
    }

    private void pop() {
        open.pop();
        openedAt.pop();
    }

    private static String describe(char c) {
        return c == STRING ? "\"" : c == TEMPLATE ? "${" : String.valueOf(c);
    }

    private HclSyntaxException fail(String problem) {
        return new HclSyntaxException(file, problem, null);
    }
}
