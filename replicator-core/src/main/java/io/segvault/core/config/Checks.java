package io.segvault.core.config;

import java.time.Duration;
import java.util.List;

/** The value ranges of the configuration keys, used beside the keys in {@link ConfigSchema}. */
final class Checks {

    private Checks() {
    }

    /** An integer in [min, max]. */
    static Setting.Check between(int min, int max) {
        return v -> (Integer) v < min || (Integer) v > max ? "must be between " + min + " and " + max + ", got " + v : null;
    }

    /** A size in [min, max] bytes; {@code why} says where the limits come from. */
    static Setting.Check sizeBetween(long min, long max, String why) {
        return v -> (Long) v < min || (Long) v > max ? "must be between " + Units.formatBytes(min) + " and "
                + Units.formatBytes(max) + " (" + why + "), got " + Units.formatBytes((Long) v) : null;
    }

    /** A fraction in (0, 1]. */
    static Setting.Check fraction() {
        return v -> (Double) v <= 0 || (Double) v > 1 ? "must be in (0, 1], got " + v : null;
    }

    /** A duration above zero. */
    static Setting.Check positive() {
        return v -> ((Duration) v).isZero() || ((Duration) v).isNegative() ? "must be positive, got " + Units.format((Duration) v)
                : null;
    }

    /** One of {@code allowed}. */
    static Setting.Check oneOf(String... allowed) {
        return v -> List.of(allowed).contains(v) ? null : "must be one of " + String.join(", ", allowed) + ", got '" + v + "'";
    }

    /** {@code host:port}, or empty. */
    static Setting.Check hostPortOrEmpty() {
        return v -> ((String) v).isEmpty() || ((String) v).matches("[A-Za-z0-9.:\\[\\]-]+:\\d{1,5}") ? null
                : "must be host:port (e.g. 127.0.0.1:9754) or empty, got '" + v + "'";
    }
}
