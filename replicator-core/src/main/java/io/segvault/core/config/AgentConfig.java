package io.segvault.core.config;

import io.segvault.core.retention.RetentionPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The validated agent configuration (see {@link ConfigSchema} for every key, its default and meaning).
 * Built by {@link AgentConfigLoader}; never holds credentials (those come from the AWS default chain).
 */
public record AgentConfig(Store store, List<RepoSpec> repos, List<String> globs, Path state, RetentionPolicy retention,
                          Upload upload, Follow follow, double massFraction, String metricsAddress, String logFormat,
                          Audit audit, Drill drill) {

    public AgentConfig {
        repos = List.copyOf(repos);
        globs = List.copyOf(globs);
    }

    /** Where objects go; {@code allowInsecureHttp}: a plain-HTTP endpoint on another host is accepted. */
    public record Store(String bucket, URI endpoint, String region, boolean pathStyle, String prefix, String checksum,
                        boolean allowInsecureHttp) {
    }

    /** A repository to replicate: its name in the bucket and its directory. */
    public record RepoSpec(String name, Path path) {
    }

    /** Upload tuning. */
    public record Upload(int concurrency, long partSize, int partsInFlight, long multipartThreshold, long maxBandwidth,
                         long maxIndexSize) {
    }

    /** Follower tuning. */
    public record Follow(Duration rescanInterval, boolean events, Duration debounce) {
    }

    /** Scheduled fence audit; {@code authorizedKeys} empty = off. */
    public record Audit(List<Path> authorizedKeys, Path reposDir, List<String> pruneKeys, Duration interval) {
        public Audit {
            authorizedKeys = List.copyOf(authorizedKeys);
            pruneKeys = List.copyOf(pruneKeys);
        }

        public boolean enabled() {
            return !authorizedKeys.isEmpty();
        }
    }

    /** Scheduled restore drill; interval zero = off. */
    public record Drill(Duration interval, Path scratch) {
        public boolean enabled() {
            return !interval.isZero();
        }
    }
}
