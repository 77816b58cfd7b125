package io.segvault.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human units of the config file: durations ({@code 30d}, {@code 12h}, {@code 90s}) and sizes ({@code 64MiB}). */
public final class Units {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d|w)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?");

    private Units() {
    }

    /** {@code <number><unit>} with unit ms, s, m, h, d (days) or w (weeks). */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; use a number with ms, s, m, h, d or w, e.g. 30d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    /** Bytes: a plain number, or with K/M/G/T (binary multiples, KiB = 1024). */
    public static long bytes(String text) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size; use bytes or a number with KiB, MiB, GiB or TiB, e.g. 64MiB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long mult = switch (unit.charAt(0)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            case 't' -> 1L << 40;
            default -> 1L;
        };
        return Math.multiplyExact(n, mult);
    }

    /** Formats a duration the way the config file writes it (largest exact unit). */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (d.getNano() != 0) {
            return d.toMillis() + "ms";
        }
        if (s % 86_400 == 0 && s > 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /** Formats bytes with a binary unit where exact. */
    public static String formatBytes(long b) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (b != 0 && b % (1L << shifts[i]) == 0) {
                return (b >> shifts[i]) + units[i];
            }
        }
        return Long.toString(b);
    }
}
