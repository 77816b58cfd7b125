package io.segvault.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of the flattened values of one config file: each falls back to the schema default, records an error on
 * a wrong type, then runs the key's {@link Setting.Check} and records what it finds. A duration that fails its check
 * reads as null; other values are returned as given.
 */
final class ConfigValues {

    private final Map<String, JsonNode> values;
    private final List<String> errors;

    ConfigValues(Map<String, JsonNode> values, List<String> errors) {
        this.values = values;
        this.errors = errors;
    }

    /** The raw value of {@code key} as written, or null. */
    JsonNode raw(String key) {
        return values.get(key);
    }

    private JsonNode valueOrDefault(String key) {
        JsonNode n = values.get(key);
        if (n != null && !n.isNull()) {
            return n;
        }
        String def = setting(key).defaultValue();
        return def == null ? null : TextNode.valueOf(def);
    }

    private static Setting setting(String key) {
        return ConfigSchema.byKey().get(key);
    }

    /** Runs the check of {@code key} on {@code value}; whether it passed. */
    private boolean checked(String key, Object value) {
        String problem = setting(key).check().problem(value);
        if (problem != null) {
            errors.add("'" + key + "' " + problem);
        }
        return problem == null;
    }

    String string(String key) {
        JsonNode n = valueOrDefault(key);
        if (n == null) {
            return null;
        }
        if (!n.isValueNode() || n.isBoolean() && !key.equals("prefix")) {
            errors.add("'" + key + "' must be a " + setting(key).type().label() + ", not a " + kind(n));
            return null;
        }
        String v = n.asText();
        checked(key, v);
        return v;
    }

    boolean bool(String key) {
        JsonNode n = valueOrDefault(key);
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        String t = n.asText();
        if (n.isTextual() && (t.equals("true") || t.equals("false"))) {
            return Boolean.parseBoolean(t);
        }
        errors.add("'" + key + "' must be true or false, got '" + t + "'");
        return false;
    }

    /** An integer; 0 when it is none (an error is recorded). */
    int integer(String key) {
        JsonNode n = valueOrDefault(key);
        int v;
        if (n.isIntegralNumber()) {
            v = n.intValue();
        } else if (n.isTextual() && n.asText().matches("-?\\d{1,9}")) {
            v = Integer.parseInt(n.asText());
        } else {
            errors.add("'" + key + "' must be an integer, got " + describe(n));
            return 0;
        }
        checked(key, v);
        return v;
    }

    double number(String key) {
        JsonNode n = valueOrDefault(key);
        double v;
        if (n.isNumber()) {
            v = n.doubleValue();
        } else {
            try {
                v = Double.parseDouble(n.asText());
            } catch (NumberFormatException e) {
                errors.add("'" + key + "' must be a number, got " + describe(n));
                return Double.NaN;
            }
        }
        checked(key, v);
        return v;
    }

    Duration duration(String key) {
        JsonNode n = valueOrDefault(key);
        if (n == null) {
            return null;
        }
        if (n.isNumber() || !n.isValueNode()) {
            errors.add("'" + key + "' must be a duration with a unit (e.g. 30d, 12h, 90s), got " + describe(n));
            return null;
        }
        Duration d;
        try {
            d = Units.duration(n.asText());
        } catch (IllegalArgumentException e) {
            errors.add("'" + key + "': " + e.getMessage());
            return null;
        }
        return checked(key, d) ? d : null;
    }

    long size(String key) {
        JsonNode n = valueOrDefault(key);
        long v;
        if (n.isIntegralNumber() && n.longValue() >= 0) {
            v = n.longValue();
        } else {
            try {
                if (!n.isTextual()) {
                    throw new IllegalArgumentException(describe(n) + " is not a size");
                }
                v = Units.bytes(n.asText());
            } catch (IllegalArgumentException | ArithmeticException e) {
                errors.add("'" + key + "': " + e.getMessage());
                checked(key, 0L); // the fallback is checked too, as the messages always did
                return 0;
            }
        }
        checked(key, v);
        return v;
    }

    URI uri(String key) {
        String s = string(key);
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            URI u = URI.create(s);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                errors.add("'" + key + "' must be an http(s) URL with a host, got '" + s + "'");
                return null;
            }
            return u;
        } catch (IllegalArgumentException e) {
            errors.add("'" + key + "' is not a URL: '" + s + "'");
            return null;
        }
    }

    Path path(String key) {
        String s = string(key);
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    List<String> strings(String key) {
        JsonNode n = values.get(key);
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isTextual()) {
            out.add(n.asText());
            return out;
        }
        if (!n.isArray()) {
            errors.add("'" + key + "' must be a string or a list of strings, not a " + kind(n));
            return out;
        }
        n.forEach(e -> {
            if (e.isTextual()) {
                out.add(e.asText());
            } else {
                errors.add("'" + key + "' must list strings; found a " + kind(e));
            }
        });
        return out;
    }

    static String kind(JsonNode n) {
        JsonNodeType t = n.getNodeType();
        return switch (t) {
            case OBJECT -> "mapping";
            case ARRAY -> "list";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String describe(JsonNode n) {
        return n.isValueNode() ? "'" + n.asText() + "'" : "a " + kind(n);
    }
}
