package io.segvault.agent.cli;

import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the bucket is: a config file, or flags alone (on a restore host that has no config). Flags
 * override the config file's values.
 */
public final class StoreOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Agent config file (YAML).")
    public Path config;

    @Option(names = "--bucket", paramLabel = "NAME", description = "S3 bucket (instead of, or overriding, the config).")
    public String bucket;

    @Option(names = "--endpoint", paramLabel = "URL", description = "S3 endpoint for non-AWS servers.")
    public URI endpoint;

    @Option(names = "--allow-insecure-http", description = "Accept a plain http:// --endpoint on another host (anyone "
            + "on the path could forge restore points); loopback needs no flag.")
    public boolean allowInsecureHttp;

    @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default: config, or us-east-1).")
    public String region;

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "Key prefix, e.g. borg/ (default: config, or none).")
    public String prefix;

    @Option(names = "--path-style", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            description = "Path-style S3 requests (default: config, or true when --endpoint is given).")
    public Boolean pathStyle;
}
