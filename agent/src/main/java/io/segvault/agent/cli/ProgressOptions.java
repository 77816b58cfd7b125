package io.segvault.agent.cli;

import picocli.CommandLine.Option;

/** How a long command ({@code restore}, {@code sync}) reports progress: {@code --quiet}, {@code --json}, the interval. */
public final class ProgressOptions {

    @Option(names = {"-q", "--quiet"}, description = "No progress output (the result and errors are still printed).")
    public boolean quiet;

    @Option(names = "--json", description = "Progress and result as JSON, one object per line, for scripts.")
    public boolean json;

    @Option(names = "--progress-every", paramLabel = "SECONDS", defaultValue = "5",
            description = "Seconds between progress lines when the output is not a terminal, and between JSON progress "
                    + "objects (default ${DEFAULT-VALUE}). No ETA is shown before the first interval has measured the rate.")
    public double every;

    /** The mode for output to {@code terminal} or not. */
    public Progress.Mode mode(boolean terminal) {
        if (quiet) {
            return Progress.Mode.QUIET;
        }
        if (json) {
            return Progress.Mode.JSON;
        }
        return terminal ? Progress.Mode.TERMINAL : Progress.Mode.LINES;
    }

    /** The interval in nanoseconds (at least 10 ms; a bad value is a usage error). */
    public long everyNanos() {
        if (!(every >= 0.01 && every <= 3600)) {
            throw new ErrorHandler.UsageException("--progress-every " + every + " must be between 0.01 and 3600 seconds");
        }
        return (long) (every * 1e9);
    }
}
