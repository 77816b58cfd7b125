package io.segvault.agent.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the Borg repositories below a directory: a directory is a repository when it has a {@code config} file with a
 * {@code [repository]} section (the search does not descend into a repository, nor deeper than {@value #MAX_DEPTH}
 * levels). The config is read as Python's configparser reads it: {@code key = value} or {@code key: value}, key names
 * case-insensitive, {@code #} and {@code ;} comment lines.
 */
final class RepositoryScanner {

    static final int MAX_DEPTH = 6;
    private static final Set<String> TRUE = Set.of("1", "yes", "true", "on");

    private RepositoryScanner() {
    }

    /** Repositories sorted by path, plus a finding for each config or directory that could not be read. */
    record Scan(List<RepositoryReport> repositories, List<Finding> findings) {
    }

    /** What a config file says: whether it has a {@code [repository]} section and its raw append_only value. */
    record Config(boolean repository, String appendOnly) {
    }

    static Scan scan(Path reposDir) throws AuditInputException {
        if (!Files.isDirectory(reposDir)) {
            throw new AuditInputException(reposDir, Files.exists(reposDir)
                    ? "the repository directory is not a directory" : "the repository directory does not exist", null);
        }
        List<RepositoryReport> repositories = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        try {
            Files.walkFileTree(reposDir, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            return visit(dir, repositories, findings);
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                            if (file.equals(reposDir)) {
                                throw e;
                            }
                            findings.add(FindingCode.REPO_CONFIG_UNREADABLE.at(file.toString(),
                                    "cannot read " + file + " (" + e.getMessage() + "); repositories below it are not audited"));
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new AuditInputException(reposDir, "cannot read the repository directory (" + e.getMessage() + ")", e);
        }
        repositories.sort(Comparator.comparing(RepositoryReport::path));
        findings.sort(Comparator.comparing(Finding::source));
        return new Scan(repositories, findings);
    }

    private static FileVisitResult visit(Path dir, List<RepositoryReport> repositories, List<Finding> findings) {
        Path configFile = dir.resolve("config");
        if (!Files.isRegularFile(configFile)) {
            return FileVisitResult.CONTINUE;
        }
        Config config;
        try {
            config = readConfig(Files.readString(configFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            findings.add(FindingCode.REPO_CONFIG_UNREADABLE.at(dir.toString(),
                    "cannot read " + configFile + " (" + e.getMessage() + ")"));
            return FileVisitResult.SKIP_SUBTREE;
        }
        if (!config.repository()) {
            return FileVisitResult.CONTINUE;
        }
        boolean appendOnly = config.appendOnly() != null && TRUE.contains(config.appendOnly().toLowerCase(Locale.ROOT));
        repositories.add(new RepositoryReport(dir.toString(), appendOnly, config.appendOnly()));
        return FileVisitResult.SKIP_SUBTREE;
    }

    /** Reads the {@code [repository]} section of a borg config (LF or CRLF). */
    static Config readConfig(String text) {
        boolean inRepository = false;
        boolean seen = false;
        String appendOnly = null;
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                inRepository = line.equals("[repository]");
                seen |= inRepository;
                continue;
            }
            int sep = separator(line);
            if (inRepository && sep > 0 && line.substring(0, sep).strip().equalsIgnoreCase("append_only")) {
                appendOnly = line.substring(sep + 1).strip();
            }
        }
        return new Config(seen, appendOnly);
    }

    private static int separator(String line) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        if (eq < 0) {
            return colon;
        }
        return colon < 0 ? eq : Math.min(eq, colon);
    }
}
