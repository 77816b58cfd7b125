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
                          Audit audit, Drill drill, Ssh ssh, Path trust) {

    public AgentConfig {
        repos = List.copyOf(repos);
        globs = List.copyOf(globs);
    }

    /** Where objects go; {@code allowInsecureHttp}: a plain-HTTP endpoint on another host is accepted. */
    public record Store(String bucket, URI endpoint, String region, boolean pathStyle, String prefix, String checksum,
                        boolean allowInsecureHttp) {
    }

    /**
     * A repository to replicate: its name in the bucket and where it is: a local directory or an
     * {@code sftp://user@host[:port]/path} URI (pull mode; {@link RepoLocator} turns either into a path).
     */
    public record RepoSpec(String name, String location) {

        /** A local repository. */
        public RepoSpec(String name, Path path) {
            this(name, path.toString());
        }

        /** Whether the repository is reached over SFTP. */
        public boolean remote() {
            return RepoLocator.isRemote(location);
        }
    }

    /** Whether any repository or glob is an {@code sftp://} location. */
    public boolean pullMode() {
        return repos.stream().anyMatch(RepoSpec::remote) || globs.stream().anyMatch(RepoLocator::isRemote);
    }

    /**
     * Pull mode's SSH settings; {@code keyFile} and {@code knownHosts} are null when not configured. {@code spoolDir}
     * is the configured directory or {@code spool} below the state directory; {@code spoolSize} 0 = no spool.
     */
    public record Ssh(Path keyFile, Path passphraseFile, Path knownHosts, Duration connectTimeout, Path spoolDir,
                      long spoolSize) {
    }

    /** Upload tuning. */
    public record Upload(int concurrency, long partSize, int partsInFlight, long multipartThreshold, long maxBandwidth,
                         long maxIndexSize, int offsiteCacheEntries) {
    }

    /** Follower tuning. */
    public record Follow(Duration rescanInterval, boolean events, Duration debounce, Duration pollInterval) {
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
