package io.segvault.agent.cli;

import io.segvault.core.borg.BorgRepositoryException;
import io.segvault.core.config.ConfigException;
import io.segvault.core.layout.InvalidKeyException;
import io.segvault.core.ledger.LedgerException;
import io.segvault.core.manifest.ManifestException;
import io.segvault.core.replicate.ReplicationException;
import io.segvault.core.restore.RestoreException;
import io.segvault.core.store.ObjectStoreException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions into one clear line on stderr and an exit code: configuration and usage errors exit 2,
 * everything else 1. The stack trace is printed only with {@code --debug}.
 */
public final class ErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        err.println("segvault " + cmd.getCommandName() + ": error: " + message(e));
        if (Arrays.asList(parsed.originalArgs().toArray(String[]::new)).contains("--debug")) {
            e.printStackTrace(err);
        }
        err.flush();
        return exitCode(e);
    }

    /**
     * Parse errors: a value one of segvault's converters refused is printed like the errors above, as
     * {@code OPTION: reason}, exit 2; every other parse error goes to {@code picocli}'s handler.
     */
    public static IParameterExceptionHandler parameters(IParameterExceptionHandler picocli) {
        return (ex, args) -> {
            if (!(ex.getCause() instanceof DurationConverter.BadValue) || !(ex.getArgSpec() instanceof OptionSpec option)) {
                return picocli.handleParseException(ex, args);
            }
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("segvault " + cmd.getCommandName() + ": error: " + option.longestName() + ": "
                    + ex.getCause().getMessage());
            if (Arrays.asList(args).contains("--debug")) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.USAGE;
        };
    }

    public static int exitCode(Throwable e) {
        if (e instanceof ConfigException || e instanceof CommandLine.ParameterException || e instanceof UsageException
                || e instanceof io.segvault.core.witness.WitnessException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.FAILURE;
    }

    public static String message(Throwable e) {
        if (e instanceof ConfigException || e instanceof ReplicationException || e instanceof RestoreException
                || e instanceof ObjectStoreException || e instanceof LedgerException || e instanceof ManifestException
                || e instanceof InvalidKeyException || e instanceof UsageException || e instanceof BorgRepositoryException
                || e instanceof io.segvault.core.witness.WitnessException) {
            return e.getMessage();
        }
        if (e instanceof UncheckedIOException u) {
            return u.getMessage() + ": " + u.getCause();
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** A usage problem found after parsing (e.g. a missing option that depends on another). Exit 2. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
