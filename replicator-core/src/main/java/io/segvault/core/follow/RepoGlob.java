package io.segvault.core.follow;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * One glob pattern of repository directories, matched component by component (so {@code *} never crosses a
 * directory boundary and expansion only lists directories that can still match).
 */
final class RepoGlob {

    private final String pattern;
    private final Path root;
    private final List<String> components = new ArrayList<>();
    private final List<PathMatcher> matchers = new ArrayList<>();

    RepoGlob(String pattern) {
        this.pattern = pattern;
        Path path = Path.of(pattern).toAbsolutePath().normalize();
        this.root = path.getRoot();
        for (Path component : path) {
            components.add(component.toString());
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + component));
        }
    }

    String pattern() {
        return pattern;
    }

    /** Whether {@code dir} (absolute, normalised) matches the whole pattern. */
    boolean matches(Path dir) {
        return matchesUpTo(dir, components.size());
    }

    /** Existing directories matching the whole pattern. */
    List<Path> expand() {
        return expand(components.size());
    }

    /** Existing directories that new matches would be created in (the matches of the pattern's parent). */
    List<Path> parents() {
        return components.size() <= 1 ? List.of(root) : expand(components.size() - 1);
    }

    private boolean matchesUpTo(Path dir, int depth) {
        if (dir.getNameCount() != depth || !root.equals(dir.getRoot())) {
            return false;
        }
        for (int i = 0; i < depth; i++) {
            if (!matchers.get(i).matches(dir.getName(i))) {
                return false;
            }
        }
        return true;
    }

    private List<Path> expand(int depth) {
        List<Path> found = new ArrayList<>();
        collect(root, 0, depth, found);
        return found;
    }

    private void collect(Path dir, int level, int depth, List<Path> found) {
        if (level == depth) {
            found.add(dir);
            return;
        }
        String component = components.get(level);
        if (!hasWildcard(component)) {
            Path child = dir.resolve(component);
            if (Files.isDirectory(child)) {
                collect(child, level + 1, depth, found);
            }
            return;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                if (matchers.get(level).matches(child.getFileName()) && Files.isDirectory(child)) {
                    collect(child, level + 1, depth, found);
                }
            }
        } catch (IOException e) {
            // unreadable or vanished directory: nothing below it matches now; the next rescan tries again
        }
    }

    private static boolean hasWildcard(String component) {
        return component.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{' || c == '\\');
    }

    @Override
    public String toString() {
        return pattern;
    }
}
