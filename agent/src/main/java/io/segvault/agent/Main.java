package io.segvault.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import io.segvault.agent.commands.AuditCommand;
import io.segvault.agent.cli.ErrorHandler;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.UnknownCommand;
import io.segvault.agent.commands.DrillCommand;
import io.segvault.agent.commands.GcCommand;
import io.segvault.agent.commands.PointsCommand;
import io.segvault.agent.commands.WitnessCommand;
import io.segvault.agent.commands.WitnessKeygenCommand;
import io.segvault.agent.commands.PreflightCommand;
import io.segvault.agent.commands.ProveLockCommand;
import io.segvault.agent.commands.ReconcileCommand;
import io.segvault.agent.commands.RestoreCommand;
import io.segvault.agent.commands.StatusCommand;
import io.segvault.agent.commands.RunCommand;
import io.segvault.agent.commands.SyncCommand;
import io.segvault.agent.commands.VerifyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code segvault} command line. {@link #run(PrintWriter, PrintWriter, String...)} is the entry
 * point tests use; {@link #main(String[])} only adds {@code System.exit}.
 */
@Command(name = "segvault", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, scope = CommandLine.ScopeType.INHERIT,
        description = "Immutable offsite copies of BorgBackup repositories in S3 with Object Lock.",
        subcommands = {
            RunCommand.class, SyncCommand.class, StatusCommand.class, PointsCommand.class, RestoreCommand.class,
            VerifyCommand.class, DrillCommand.class, PreflightCommand.class, ReconcileCommand.class, GcCommand.class,
            AuditCommand.class, ProveLockCommand.class, WitnessCommand.class, WitnessKeygenCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, args));
    }

    /** Runs one command; returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(ErrorHandler.parameters(cl.getParameterExceptionHandler()));
        String unknown = UnknownCommand.find(cl, args);
        if (unknown != null) {
            // before picocli: it would print the top-level help and exit 0 for `segvault witnes --help`
            err.println("segvault: error: " + UnknownCommand.message(cl, unknown));
            err.flush();
            return ExitCodes.USAGE;
        }
        return cl.execute(args);
    }

    /** Reads the version the build wrote into segvault-version.properties. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            for (String resource : new String[] {"/segvault-version.properties", "/segvault-commit.properties"}) {
                try (InputStream in = Main.class.getResourceAsStream(resource)) {
                    if (in != null) {
                        p.load(in);
                    }
                }
            }
            return new String[] {"segvault " + p.getProperty("version", "unknown") + " (commit " + commit(p) + ")",
                "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ", "
                        + System.getProperty("java.vendor") + ") at " + System.getProperty("java.home")};
        }

        /** The commit the build recorded; "unknown" when it was built outside a git checkout. */
        private static String commit(Properties p) {
            String c = p.getProperty("commit", "");
            if (c.isBlank()) {
                return "unknown";
            }
            return c;
        }
    }
}
