package io.segvault.agent.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a forced command into simple commands and words the way {@code sh -c} would, for the subset of shell that a
 * borg forced command needs: words, single and double quotes, backslash escapes, {@code ;} and {@code &&} between
 * commands, and a trailing {@code #} comment. Anything whose effect the audit cannot know without running it (pipes,
 * redirections, background jobs, subshells, {@code $} or backtick expansion) is refused with an exception.
 */
final class ShellWords {

    /** A command uses shell the audit does not model; the message names the construct. */
    static final class UnsupportedShellException extends Exception {
        UnsupportedShellException(String message) {
            super(message);
        }
    }

    private final String text;
    private final List<List<String>> commands = new ArrayList<>();
    private List<String> words = new ArrayList<>();
    private StringBuilder word;
    private int pos;

    private ShellWords(String text) {
        this.text = text;
    }

    /** The simple commands of {@code text} in order, each as its list of words; empty commands are dropped. */
    static List<List<String>> commands(String text) throws UnsupportedShellException {
        ShellWords s = new ShellWords(text);
        s.run();
        return s.commands;
    }

    private void run() throws UnsupportedShellException {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t') {
                endWord();
                pos++;
            } else if (c == '#' && word == null) {
                break;
            } else if (c == ';' || c == '&' && next() == '&') {
                endCommand();
                pos += c == ';' ? 1 : 2;
            } else if ("|&<>()`\n\r{}".indexOf(c) >= 0) {
                throw new UnsupportedShellException("uses the shell operator '" + c + "'");
            } else if (c == '$') {
                throw new UnsupportedShellException("uses shell expansion ('$')");
            } else {
                wordChar(c);
            }
        }
        endCommand();
    }

    private void wordChar(char c) throws UnsupportedShellException {
        if (word == null) {
            word = new StringBuilder();
        }
        if (c == '\'') {
            int close = text.indexOf('\'', pos + 1);
            if (close < 0) {
                throw new UnsupportedShellException("has a single quote that is never closed");
            }
            word.append(text, pos + 1, close);
            pos = close + 1;
        } else if (c == '"') {
            doubleQuoted();
        } else if (c == '\\') {
            if (pos + 1 < text.length()) {
                word.append(text.charAt(pos + 1));
            }
            pos += 2;
        } else {
            word.append(c);
            pos++;
        }
    }

    private void doubleQuoted() throws UnsupportedShellException {
        pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return;
            }
            if (c == '$' || c == '`') {
                throw new UnsupportedShellException("uses shell expansion ('" + c + "') inside double quotes");
            }
            if (c == '\\' && "\"\\$`".indexOf(next()) >= 0) {
                word.append(next());
                pos += 2;
            } else {
                word.append(c);
                pos++;
            }
        }
        throw new UnsupportedShellException("has a double quote that is never closed");
    }

    private char next() {
        return pos + 1 < text.length() ? text.charAt(pos + 1) : '\0';
    }

    private void endWord() {
        if (word != null) {
            words.add(word.toString());
            word = null;
        }
    }

    private void endCommand() {
        endWord();
        if (!words.isEmpty()) {
            commands.add(List.copyOf(words));
        }
        words = new ArrayList<>();
    }
}
