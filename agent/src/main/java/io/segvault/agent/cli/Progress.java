package io.segvault.agent.cli;

import io.segvault.core.util.ThreadPools;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress of a long transfer, drawn by one ticker thread so that lines come out in order and never go backwards:
 * on a terminal one line redrawn four times a second; otherwise a line every interval (not per percent); as JSON one
 * object per interval; nothing with {@code --quiet}. The rate, and with it the ETA, is shown only once a full
 * interval has measured it (2 s on a terminal).
 */
public final class Progress implements AutoCloseable {

    /** Where and how progress is drawn. */
    public enum Mode { TERMINAL, LINES, JSON, QUIET }

    /** What has been transferred so far; a total below 0 is not known (yet). Called from the ticker thread. */
    public interface Counts {
        long bytes();

        long objects();

        long totalBytes();

        long totalObjects();
    }

    private static final long TERMINAL_REDRAW = 250_000_000L;
    private static final long TERMINAL_RATE_AFTER = 2_000_000_000L;

    private final String label;
    private final PrintWriter out;
    private final Mode mode;
    private final long every;
    private final Counts counts;
    private final LongSupplier nanos;
    private final long start;
    private ScheduledExecutorService ticker;
    private long lastBytes;
    private long lastObjects = -1;
    private int lastPercent;
    private int lines;
    private int width;
    private boolean closed;

    /** A reporter that the caller {@link #tick()}s; {@link #start} adds the ticker thread. */
    public Progress(String label, PrintWriter out, Mode mode, long everyNanos, Counts counts, LongSupplier nanos) {
        this.label = label;
        this.out = out;
        this.mode = mode;
        this.every = everyNanos;
        this.counts = counts;
        this.nanos = nanos;
        this.start = nanos.getAsLong();
    }

    /** A reporter with its own ticker thread (none in QUIET mode); {@link #close()} stops it. */
    public static Progress start(String label, PrintWriter out, ProgressOptions options, Counts counts, ThreadPools pools) {
        Mode mode = options.mode(System.console() != null);
        Progress p = new Progress(label, out, mode, options.everyNanos(), counts, System::nanoTime);
        if (mode != Mode.QUIET) {
            long period = mode == Mode.TERMINAL ? TERMINAL_REDRAW : p.every;
            p.ticker = pools.scheduled("progress", 1);
            p.ticker.scheduleAtFixedRate(p::tick, period, period, TimeUnit.NANOSECONDS);
        }
        return p;
    }

    /** Draws the current state (the ticker calls this). */
    public synchronized void tick() {
        tick(false);
    }

    /** 100% only at the end: the totals a transfer announces may leave out small files. */
    private void tick(boolean last) {
        if (mode == Mode.QUIET || closed) {
            return;
        }
        long elapsed = nanos.getAsLong() - start;
        long bytes = Math.max(lastBytes, counts.bytes());
        long announced = counts.totalBytes();
        long total = announced < 0 ? -1 : Math.max(announced, bytes); // a total may leave out small files
        int percent = total > 0 ? Math.max(lastPercent, (int) Math.min(last ? 100 : 99, bytes * 100 / total)) : -1;
        long objects = Math.max(lastObjects, counts.objects());
        lastBytes = bytes;
        lastObjects = objects;
        lastPercent = Math.max(0, percent);
        boolean rateKnown = bytes > 0 && elapsed >= (mode == Mode.TERMINAL ? Math.min(every, TERMINAL_RATE_AFTER) : every);
        double rate = rateKnown ? bytes / (elapsed / 1e9) : -1;
        long eta = rateKnown && total > 0 && !last ? (long) Math.ceil(Math.max(0, total - bytes) / rate) : -1;
        draw(new State(elapsed, bytes, objects, total, counts.totalObjects(), percent, rate, eta));
    }

    private record State(long elapsed, long bytes, long objects, long totalBytes, long totalObjects, int percent, double rate,
                         long eta) {
    }

    private void draw(State s) {
        if (mode == Mode.JSON) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("progress", label);
            o.put("elapsedSeconds", round(s.elapsed / 1e9));
            o.put("bytes", s.bytes);
            o.put("totalBytes", s.totalBytes < 0 ? null : s.totalBytes);
            o.put("objects", s.objects < 0 ? null : s.objects);
            o.put("totalObjects", s.totalObjects < 0 ? null : s.totalObjects);
            o.put("percent", s.percent < 0 ? null : s.percent);
            o.put("bytesPerSecond", s.rate < 0 ? null : (long) s.rate);
            o.put("etaSeconds", s.eta < 0 ? null : s.eta);
            out.println(Json.compact(o));
        } else {
            String text = text(s);
            if (mode == Mode.TERMINAL) {
                out.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
                width = text.length();
            } else {
                out.println(text);
            }
        }
        lines++;
        out.flush();
    }

    private String text(State s) {
        StringBuilder b = new StringBuilder(label).append(": ");
        if (s.percent >= 0) {
            b.append(s.percent).append("% ");
        }
        b.append(human(s.bytes));
        if (s.totalBytes >= 0) {
            b.append(" of ").append(human(s.totalBytes));
        }
        if (s.objects >= 0) {
            b.append(", ").append(s.objects).append(s.totalObjects >= 0 ? " of " + s.totalObjects : "").append(" objects");
        } else if (s.totalObjects >= 0) {
            b.append(", ").append(s.totalObjects).append(" objects");
        }
        if (s.rate >= 0) {
            b.append(", ").append(human((long) s.rate)).append("/s");
        }
        if (s.eta >= 0) {
            b.append(", ETA ").append(duration(s.eta));
        }
        String elapsed = s.elapsed < 60_000_000_000L ? String.format(Locale.ROOT, "%.1f s", s.elapsed / 1e9)
                : duration(s.elapsed / 1_000_000_000L);
        return b.append(", ").append(elapsed).append(" elapsed").toString();
    }

    /**
     * Stops the ticker. After a complete transfer ({@code complete}) that printed progress, a last line (or JSON
     * object) with the final numbers; a terminal line is cleared for the result that follows.
     */
    public synchronized void close(boolean complete) {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (lines > 0 && complete && mode != Mode.TERMINAL) {
            tick(true);
        }
        if (mode == Mode.TERMINAL && lines > 0) {
            out.print("\r" + " ".repeat(width) + "\r");
        }
        closed = true;
        out.flush();
    }

    /** Stops the ticker after a failure: no final line. */
    @Override
    public void close() {
        close(false);
    }

    /** How many progress lines (or redraws) were printed. */
    public synchronized int lines() {
        return lines;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** 95 s, 4 min 05 s, 2 h 03 min. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
    }

    /** 17 B, 32.8 MiB. */
    public static String human(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] u = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
    }
}
