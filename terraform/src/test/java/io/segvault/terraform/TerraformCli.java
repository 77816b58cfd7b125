package io.segvault.terraform;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the terraform binary offline: checkpoint calls off, an empty CLI configuration (so no network mirror from
 * the user's config), no AWS credentials and no EC2 metadata lookups in its environment.
 */
final class TerraformCli {
    private static final long TIMEOUT_MINUTES = 5;

    private final Path binary;
    private final Path cliConfig;

    private TerraformCli(Path binary, Path cliConfig) {
        this.binary = binary;
        this.cliConfig = cliConfig;
    }

    /** Output and exit code of one terraform command. */
    record Result(List<String> command, int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        String describe() {
            return String.join(" ", command) + " exited " + exitCode + ":\n" + output;
        }

        /** The first line that says what went wrong, for a one-line log message. */
        String firstError() {
            return output.lines().map(String::strip).filter(l -> l.startsWith("Error") || l.contains("error"))
                .findFirst().orElse(output.lines().reduce((a, b) -> b).orElse("(no output)"));
        }
    }

    /**
     * The terraform binary named by system property {@code segvault.terraform.bin} or found on PATH, if it runs
     * ({@code terraform version} exits 0).
     */
    static Optional<TerraformCli> find(Path scratch) {
        String configured = System.getProperty("segvault.terraform.bin", "");
        Stream<Path> candidates = configured.isBlank()
            ? Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(s -> !s.isBlank()).map(dir -> Path.of(dir, "terraform"))
            : Stream.of(Path.of(configured));
        return candidates.filter(Files::isExecutable).findFirst().map(bin -> new TerraformCli(bin, emptyConfig(scratch)))
            .filter(cli -> cli.run(scratch, "version").ok());
    }

    private static Path emptyConfig(Path scratch) {
        try {
            Path config = scratch.resolve("terraformrc");
            Files.writeString(config, "# empty: the tests use no network mirror and no credentials\n");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a CLI config into " + scratch, e);
        }
    }

    Path binary() {
        return binary;
    }

    Result run(Path workingDir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("AWS_") || key.startsWith("TF_"));
        env.put("CHECKPOINT_DISABLE", "1");
        env.put("TF_IN_AUTOMATION", "1");
        env.put("TF_CLI_CONFIG_FILE", cliConfig.toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return new Result(command, -1, "timed out after " + TIMEOUT_MINUTES + " minutes");
            }
            return new Result(command, process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
