package io.segvault.agent.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code -c/--config}: the agent config file, for the commands that cannot run without one. */
public final class ConfigOption {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Agent config file (YAML).")
    public Path file;
}
