package io.segvault.core.borg;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the INI {@code config} of a Borg repository the way Python's {@code configparser} does for the values borg
 * writes: {@code [section]} headers, {@code key = value} or {@code key: value}, keys case-insensitive, indented
 * continuation lines (the base64 {@code key}), comment lines starting with {@code #} or {@code ;}.
 */
public final class ConfigParser {

    private ConfigParser() {
    }

    /**
     * What a lenient read of a config finds: whether it has a {@code [repository]} section, and that section's raw
     * values by lower-case key (empty when there is no such section).
     */
    public record Section(boolean present, Map<String, String> values) {
    }

    /**
     * Reads the {@code [repository]} section like {@link #parse} but never throws: lines it cannot parse are skipped
     * and values are returned raw, unchecked (for tools that report what a config says, e.g. the audit).
     */
    public static Section repositorySection(String text) {
        Map<String, String> values = new HashMap<>();
        boolean seen = readSection(text, values, line -> { });
        return new Section(seen, Map.copyOf(values));
    }

    /** Parses {@code text} (the content of {@code file}) into a {@link RepoConfig}. */
    static RepoConfig parse(Path file, String text) {
        Map<String, String> values = repositorySection(file, text);
        String version = require(file, values, "version");
        int v = parseInt(file, "version", version);
        if (v == 2) {
            throw new BorgRepositoryException(file, file + ": Borg 2 repository (version = 2); only Borg 1.x repositories"
                    + " (version = 1) can be replicated");
        }
        if (v != 1) {
            throw new BorgRepositoryException(file, file + ": unsupported repository version " + v + " (expected 1)");
        }
        String id = require(file, values, "id");
        if (!id.matches("[0-9a-fA-F]{64}")) {
            throw new BorgRepositoryException(file, file + ": repository id '" + id + "' is not 64 hex characters");
        }
        int perDir = parseInt(file, "segments_per_dir", require(file, values, "segments_per_dir"));
        if (perDir <= 0) {
            throw new BorgRepositoryException(file, file + ": segments_per_dir must be positive, is " + perDir);
        }
        long maxSize = parseSize(file, require(file, values, "max_segment_size"));
        boolean appendOnly = parseBoolean(file, values.getOrDefault("append_only", "0"));
        return new RepoConfig(id.toLowerCase(Locale.ROOT), v, perDir, maxSize, appendOnly);
    }

    private static Map<String, String> repositorySection(Path file, String text) {
        Map<String, String> values = new HashMap<>();
        boolean seen = readSection(text, values, line -> {
            throw new BorgRepositoryException(file, file + ": not a Borg repository config (cannot parse line '"
                    + abbreviate(line) + "')");
        });
        if (!seen) {
            throw new BorgRepositoryException(file, file + ": not a Borg repository config (no [repository] section)");
        }
        return values;
    }

    /**
     * Puts the {@code [repository]} section's values into {@code values}; hands each line that is neither a header, a
     * comment nor {@code key = value} to {@code badLine} (which may throw) and skips it. Returns whether the section
     * was there.
     */
    private static boolean readSection(String text, Map<String, String> values, Consumer<String> badLine) {
        String section = null;
        boolean seen = false;
        String lastKey = null;
        for (String raw : text.split("\r?\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (Character.isWhitespace(raw.charAt(0)) && lastKey != null) {
                continue; // continuation of a multi-line value (the key); not needed
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                seen |= "repository".equals(section);
                lastKey = null;
                continue;
            }
            int sep = separator(line);
            if (sep <= 0) {
                badLine.accept(line);
                continue;
            }
            lastKey = line.substring(0, sep).strip().toLowerCase(Locale.ROOT);
            if ("repository".equals(section)) {
                values.put(lastKey, line.substring(sep + 1).strip());
            }
        }
        return seen;
    }

    private static int separator(String line) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        if (eq < 0) {
            return colon;
        }
        return colon < 0 ? eq : Math.min(eq, colon);
    }

    private static String require(Path file, Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            throw new BorgRepositoryException(file, file + ": [repository] has no '" + key + "' (not a Borg repository"
                    + " config?)");
        }
        return value;
    }

    private static int parseInt(Path file, String key, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new BorgRepositoryException(file, file + ": " + key + " = '" + value + "' is not an integer", e);
        }
    }

    /** borg's {@code parse_file_size}: a number with an optional K, M, G, T or P suffix (powers of 1000). */
    static long parseSize(Path file, String value) {
        String s = value.strip();
        long factor = 1;
        int suffix = s.isEmpty() ? -1 : "KMGTP".indexOf(s.charAt(s.length() - 1));
        if (suffix >= 0) {
            factor = (long) Math.pow(1000, suffix + 1);
            s = s.substring(0, s.length() - 1);
        }
        try {
            return new BigDecimal(s).multiply(BigDecimal.valueOf(factor)).longValue();
        } catch (NumberFormatException e) {
            throw new BorgRepositoryException(file, file + ": max_segment_size = '" + value + "' is not a size", e);
        }
    }

    private static boolean parseBoolean(Path file, String value) {
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "1", "yes", "true", "on":
                return true;
            case "0", "no", "false", "off":
                return false;
            default:
                throw new BorgRepositoryException(file, file + ": append_only = '" + value + "' is not a boolean");
        }
    }

    private static String abbreviate(String line) {
        return line.length() > 40 ? line.substring(0, 40) + "..." : line;
    }
}
