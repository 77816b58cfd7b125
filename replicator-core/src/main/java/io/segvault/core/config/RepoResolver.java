package io.segvault.core.config;

import io.segvault.core.layout.BucketLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the configured repositories (explicit entries and globs) into name → directory. A glob match is a
 * repository when it is a directory holding a {@code config} file; its directory name is its name in the
 * bucket. Explicit entries win over glob matches of the same name.
 */
public final class RepoResolver {

    private static final Logger LOG = LoggerFactory.getLogger(RepoResolver.class);

    private RepoResolver() {
    }

    /** Local repositories only (an sftp:// location is refused); see {@link #resolve(AgentConfig, RepoLocator)}. */
    public static Map<String, Path> resolve(AgentConfig config) {
        return resolve(config, RepoLocator.LOCAL);
    }

    /**
     * Name → path of every configured repository, local or reached through {@code locator}.
     *
     * @throws RuntimeException from {@code locator} when a remote host cannot be reached (one line naming it)
     */
    public static Map<String, Path> resolve(AgentConfig config, RepoLocator locator) {
        return resolve(config, locator, location -> true);
    }

    /** The {@code sftp://} repositories only (explicit entries and glob matches), reached through {@code locator}. */
    public static Map<String, Path> resolveRemote(AgentConfig config, RepoLocator locator) {
        return resolve(config, locator, RepoLocator::isRemote);
    }

    /** The local repositories only; {@code sftp://} entries and globs are left out. */
    public static Map<String, Path> resolveLocal(AgentConfig config) {
        return resolve(config, RepoLocator.LOCAL, location -> !RepoLocator.isRemote(location));
    }

    private static Map<String, Path> resolve(AgentConfig config, RepoLocator locator, Predicate<String> which) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String glob : config.globs().stream().filter(which).toList()) {
            for (Path dir : expand(glob, locator)) {
                String name = dir.getFileName().toString();
                try {
                    BucketLayout.checkRepoName(name);
                } catch (IllegalArgumentException e) {
                    LOG.warn("skipping {} (matched by glob {}): {}", dir, glob, e.getMessage());
                    continue;
                }
                out.putIfAbsent(name, dir);
            }
        }
        config.repos().stream().filter(r -> which.test(r.location()))
                .forEach(r -> out.put(r.name(), locator.locate(r.location())));
        return out;
    }

    /** Directories matching {@code glob} (a pattern in the last path element, e.g. {@code /srv/borg/*}) that hold a config file. */
    public static List<Path> expand(String glob) {
        return expand(glob, RepoLocator.LOCAL);
    }

    /** As {@link #expand(String)}; the directory part of {@code glob} may be an {@code sftp://} location. */
    public static List<Path> expand(String glob, RepoLocator locator) {
        int slash = glob.lastIndexOf('/');
        String dir = slash < 0 ? "." : slash == 0 ? "/" : glob.substring(0, slash);
        Path parent = locator.locate(dir);
        // matched on the name alone, with the default file system's glob syntax whatever the parent's file system
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(slash + 1));
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
            for (Path p : ds) {
                boolean named = matcher.matches(Path.of(p.getFileName().toString()));
                if (named && Files.isDirectory(p) && Files.isRegularFile(p.resolve("config"))) {
                    out.add(p);
                }
            }
        } catch (IOException | java.io.UncheckedIOException | java.nio.file.DirectoryIteratorException e) {
            LOG.warn("cannot list {} for glob {}: {}", parent, glob, e.toString());
        }
        out.sort(null);
        return out;
    }
}
