package io.segvault.agent.cli;

import io.segvault.core.restore.RestoreProgress;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Restore progress: a redrawn bar (bytes, rate, ETA) when stdout is a terminal, a plain line every 10%
 * otherwise.
 */
public final class ProgressBar implements RestoreProgress {

    private final PrintWriter out;
    private final boolean terminal;
    private final AtomicLong done = new AtomicLong();
    private volatile long total;
    private volatile long start;
    private volatile long lastDraw;
    private volatile int lastDecile = -1;

    private ProgressBar(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    public static ProgressBar forTerminal(PrintWriter out) {
        return new ProgressBar(out, System.console() != null);
    }

    @Override
    public void started(int objects, long bytes) {
        total = bytes;
        start = System.nanoTime();
        out.println("downloading " + objects + " objects, " + human(bytes));
        out.flush();
    }

    @Override
    public void advanced(long bytes) {
        long d = done.addAndGet(bytes);
        long now = System.nanoTime();
        if (terminal) {
            if (now - lastDraw > 200_000_000L) {
                lastDraw = now;
                draw(d, now, '\r');
            }
        } else {
            int decile = total == 0 ? 10 : (int) (d * 10 / total);
            if (decile > lastDecile) {
                lastDecile = decile;
                draw(d, now, '\n');
            }
        }
    }

    private synchronized void draw(long d, long now, char end) {
        double secs = Math.max(1e-3, (now - start) / 1e9);
        double rate = d / secs;
        int pct = total == 0 ? 100 : (int) (d * 100 / total);
        long eta = rate <= 0 ? 0 : (long) ((total - d) / rate);
        String bar = terminal ? "[" + "#".repeat(pct / 5) + " ".repeat(20 - pct / 5) + "] " : "";
        out.print(bar + pct + "% " + human(d) + " / " + human(total) + " " + human((long) rate) + "/s ETA " + eta + " s" + end);
        out.flush();
    }

    @Override
    public void finished() {
        if (terminal) {
            out.println();
        }
        out.flush();
    }

    static String human(long b) {
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
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, u[i]);
    }
}
