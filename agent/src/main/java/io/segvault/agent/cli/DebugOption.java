package io.segvault.agent.cli;

import picocli.CommandLine.Option;

/** {@code --debug}: stack traces on errors. */
public final class DebugOption {

    @Option(names = "--debug", description = "Print stack traces of errors.")
    public boolean debug;
}
