package io.segvault.agent.audit;

import io.segvault.core.borg.ConfigParser;
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
 * levels). The config is read by core's {@link ConfigParser} (as Python's configparser reads it), leniently: lines
 * it cannot parse are skipped and the append_only value is reported raw.
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

    /** Reads the {@code [repository]} section of a borg config (LF or CRLF) with core's lenient parser. */
    static Config readConfig(String text) {
        ConfigParser.Section section = ConfigParser.repositorySection(text);
        return new Config(section.present(), section.values().get("append_only"));
    }
}
