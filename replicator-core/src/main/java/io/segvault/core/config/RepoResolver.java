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

    public static Map<String, Path> resolve(AgentConfig config) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String glob : config.globs()) {
            for (Path dir : expand(glob)) {
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
        config.repos().forEach(r -> out.put(r.name(), r.path()));
        return out;
    }

    /** Directories matching {@code glob} (a pattern in the last path element, e.g. {@code /srv/borg/*}) that hold a config file. */
    public static List<Path> expand(String glob) {
        Path pattern = Path.of(glob);
        Path parent = pattern.getParent() == null ? Path.of(".") : pattern.getParent();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.getFileName());
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
            for (Path p : ds) {
                if (matcher.matches(p.getFileName()) && Files.isDirectory(p) && Files.isRegularFile(p.resolve("config"))) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {} for glob {}: {}", parent, glob, e.toString());
        }
        out.sort(null);
        return out;
    }
}
