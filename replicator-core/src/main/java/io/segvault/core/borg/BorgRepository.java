package io.segvault.core.borg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Read-only model of a Borg 1.x repository directory.
 *
 * <p>The committed transaction T is the highest N of a non-empty {@code index.N} (borg renames it into place as the
 * last step of every commit). Only segments with number {@code <= T} are replicable; higher ones belong to a
 * transaction in progress or an aborted one and borg reuses their numbers with other content. Nothing here takes a
 * borg lock, opens a file for writing or creates anything inside the repository; every call reads the directory
 * fresh, so one instance can be kept for the life of a follower.
 */
public final class BorgRepository {

    private static final Pattern INDEX = Pattern.compile("index\\.(\\d{1,18})");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,18}");

    private final Path path;

    private BorgRepository(Path path) {
        this.path = path;
    }

    /**
     * Opens the repository in {@code dir} after checking it is a directory with a readable Borg 1.x {@code config}.
     *
     * @throws BorgRepositoryException naming the path when it does not exist, is not a directory, has no
     *                                 {@code config}, is not a Borg repository, is a Borg 2 repository or cannot be
     *                                 read
     */
    public static BorgRepository open(Path dir) {
        Path path = dir.toAbsolutePath().normalize();
        String where = PathLabels.describe(path);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new BorgRepositoryException(path, where + ": repository directory does not exist");
        } catch (IOException | UncheckedIOException e) {
            throw new BorgRepositoryException(path, where + (denied(e) ? ": permission denied (cannot reach the repository"
                    + " directory)" : ": cannot read attributes: " + e.getMessage()), e);
        }
        if (!attrs.isDirectory()) {
            throw new BorgRepositoryException(path, where + ": not a directory, so not a Borg repository");
        }
        // listing, not Files.isReadable: a remote file system cannot tell what its account may read without trying
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
            entries.iterator().hasNext();
        } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
            throw new BorgRepositoryException(path, where + (denied(e) ? ": permission denied (cannot list the repository"
                    + " directory)" : ": cannot read the repository directory: " + e.getMessage()), e);
        }
        if (!Files.isRegularFile(path.resolve("config"))) {
            throw new BorgRepositoryException(path, where + ": no config file, so not a Borg repository (or borg init"
                    + " has not finished)");
        }
        BorgRepository repository = new BorgRepository(path);
        repository.readConfig();
        return repository;
    }

    /** Whether {@code e} says "permission denied" (an SFTP server's status, or the local file system's exception). */
    private static boolean denied(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AccessDeniedException || String.valueOf(t.getMessage()).contains("PERMISSION_DENIED")) {
                return true;
            }
        }
        return false;
    }

    /** Absolute, normalised repository directory. */
    public Path path() {
        return path;
    }

    /**
     * Parses {@code config} now (borg replaces it on every {@code borg check}, {@code borg config} and passphrase
     * change, so it is never cached).
     *
     * @throws BorgRepositoryException when it is missing, unreadable or not a Borg 1.x repository config
     */
    public RepoConfig readConfig() {
        Path file = path.resolve("config");
        return ConfigParser.parse(file, readConfigText(file));
    }

    static String readConfigText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new BorgRepositoryException(file, file + ": not a Borg repository config (not UTF-8 text)", e);
        } catch (NoSuchFileException e) {
            throw new BorgRepositoryException(file, file + ": config file vanished: not a Borg repository any more?", e);
        } catch (IOException e) {
            throw new BorgRepositoryException(file, file + ": cannot read config: " + e, e);
        }
    }

    /** Highest N of a non-empty {@code index.N} in the repository root; empty when there is none. */
    public OptionalLong committedTransaction() {
        long best = -1;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path, "index.*")) {
            for (Path entry : entries) {
                Matcher m = INDEX.matcher(entry.getFileName().toString());
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    if (n > best && nonEmpty(entry)) {
                        best = n;
                    }
                }
            }
        } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
            throw new BorgRepositoryException(path, "cannot list repository " + PathLabels.describe(path) + ": " + e, e);
        }
        return best < 0 ? OptionalLong.empty() : OptionalLong.of(best);
    }

    /**
     * Every segment file present now: {@code data/<d>/<n>} with {@code d} and {@code n} all digits and a size above
     * zero (borg treats a 0-byte segment as absent), ascending by number. Includes segments above the committed
     * transaction; use {@link #snapshot(Path)} for the replicable set.
     */
    public SegmentList segments() {
        Path data = path.resolve("data");
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(data)) {
            for (Path dir : entries) {
                if (DIGITS.matcher(dir.getFileName().toString()).matches() && Files.isDirectory(dir)) {
                    dirs.add(dir);
                }
            }
        } catch (NoSuchFileException e) {
            return SegmentList.of(List.of());
        } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
            throw new BorgRepositoryException(data, "cannot list " + PathLabels.describe(data) + ": " + e, e);
        }
        // one stat per segment on a local disk (over SFTP the listing's own attributes, see ListedAttributes):
        // directories of 1000 segments are listed on all cores when there are several; each directory's listing is
        // made compact before the next ones are listed (issue 20: no object per segment)
        Stream<Path> each = dirs.size() > 1 ? dirs.parallelStream() : dirs.stream();
        List<SegmentList> parts = each.map(dir -> listDirectory(data, dir)).toList();
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return ascendingWithoutOverlap(parts) ? SegmentList.concat(parts, data)
                : SegmentList.of(parts.stream().flatMap(List::stream).toList());
    }

    /** Whether the directories' lists, ordered by their first numbers, never overlap (the normal layout). */
    private static boolean ascendingWithoutOverlap(List<SegmentList> parts) {
        List<SegmentList> ordered = parts.stream().filter(p -> !p.isEmpty()).sorted(Comparator.comparingLong(p -> p.number(0)))
                .toList();
        for (int i = 1; i < ordered.size(); i++) {
            SegmentList before = ordered.get(i - 1);
            if (before.number(before.size() - 1) >= ordered.get(i).number(0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The segments of one directory of {@code data}, compact; those spelled {@code <data>/<d>/<n>} (no leading zeros)
     * keep no path (it is derived when asked for).
     */
    private static SegmentList listDirectory(Path data, Path dir) {
        List<SegmentFile> in = new ArrayList<>();
        addSegments(dir, in);
        long d = canonicalNumber(dir.getFileName().toString());
        if (d < 0 || !in.stream().allMatch(s -> canonicalNumber(s.path().getFileName().toString()) == s.number())) {
            return SegmentList.of(in);
        }
        in.sort(Comparator.comparingLong(SegmentFile::number));
        SegmentList.Builder b = new SegmentList.Builder(data, in.size());
        in.forEach(s -> b.addDerived(s.number(), d, s.fingerprint()));
        return b.build();
    }

    /** The number a file or directory name spells without leading zeros (as borg names them), else -1. */
    private static long canonicalNumber(String name) {
        if (name.isEmpty() || name.length() > 18 || name.length() > 1 && name.charAt(0) == '0' || !DIGITS.matcher(name).matches()) {
            return -1;
        }
        return Long.parseLong(name);
    }

    private static void addSegments(Path dir, List<SegmentFile> result) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!DIGITS.matcher(name).matches()) {
                    continue;
                }
                // the listing's attributes when it returned them (over SFTP: no round trip per segment); anything
                // but a regular file there (a symbolic link, say) is asked again, following links as a local stat does
                BasicFileAttributes attrs = ListedAttributes.of(file);
                if (attrs == null || !attrs.isRegularFile()) {
                    attrs = attributes(file);
                }
                if (attrs != null && attrs.isRegularFile() && attrs.size() > 0) {
                    result.add(new SegmentFile(Long.parseLong(name), file, attrs.size(), Fingerprint.of(attrs)));
                }
            }
        } catch (NoSuchFileException e) {
            // directory removed while listing: no segments in it
        } catch (IOException | UncheckedIOException | DirectoryIteratorException e) {
            throw new BorgRepositoryException(dir, "cannot list " + PathLabels.describe(dir) + ": " + e, e);
        }
    }

    /** Attributes of {@code file}, or null when it vanished meanwhile. */
    static BasicFileAttributes attributes(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new BorgRepositoryException(file, "cannot read attributes of " + file + ": " + e, e);
        }
    }

    private static boolean nonEmpty(Path file) {
        BasicFileAttributes attrs = attributes(file);
        return attrs != null && attrs.isRegularFile() && attrs.size() > 0;
    }

    /**
     * Takes a consistent snapshot of the committed transaction: lists the segments {@code <= T}, copies
     * {@code config}, {@code index.T}, {@code hints.T}, {@code integrity.T} and {@code nonce} (those present) into
     * {@code scratchDir} under their own names, then checks that T is still current, that the copied control files
     * were not replaced and that every listed segment is still there unchanged. If not (a newer commit, a
     * compaction, a repair), it starts over with the new T; after a bounded number of attempts it throws. Segments
     * above T are never listed.
     *
     * @param scratchDir directory outside the repository for the copies (created when missing; files of the same
     *                   names are replaced)
     * @throws BorgRepositoryException when no consistent snapshot could be taken, the repository cannot be read, or
     *                                 {@code scratchDir} lies inside the repository
     */
    public Snapshot snapshot(Path scratchDir) {
        return new SnapshotTaker(this, SnapshotTaker.Hooks.NONE).take(scratchDir);
    }

    @Override
    public String toString() {
        return "BorgRepository[" + path + "]";
    }
}
