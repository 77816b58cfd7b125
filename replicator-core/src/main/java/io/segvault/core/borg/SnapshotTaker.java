package io.segvault.core.borg;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/** The snapshot algorithm of {@link BorgRepository#snapshot(Path)}; see there for the contract. */
final class SnapshotTaker {

    static final int MAX_ATTEMPTS = 8;
    private static final long MAX_PAUSE_MILLIS = 1000;

    /** Test seams: what happens between copying and re-checking, and how to wait between attempts. */
    interface Hooks {
        Hooks NONE = new Hooks() {
        };

        /** Called after the control files were copied, before the re-check. */
        default void afterCopy(int attempt, long transaction) {
        }

        /** Waits before attempt {@code attempt + 1}. */
        default void pause(int attempt) throws InterruptedException {
            Thread.sleep(Math.min(MAX_PAUSE_MILLIS, 20L << attempt));
        }
    }

    /** Outcome of one attempt: a snapshot, or the reason to try again. */
    private record Outcome(Snapshot snapshot, String retryReason) {
        static Outcome retry(String reason) {
            return new Outcome(null, reason);
        }
    }

    /** A control file copied in this attempt, with the source's fingerprint before the copy. */
    private record Copied(ControlFile file, Fingerprint source) {
    }

    private final BorgRepository repository;
    private final Hooks hooks;

    SnapshotTaker(BorgRepository repository, Hooks hooks) {
        this.repository = repository;
        this.hooks = hooks;
    }

    Snapshot take(Path scratchDir) {
        Path scratch = prepare(scratchDir);
        List<String> reasons = new ArrayList<>();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            List<Copied> copies = new ArrayList<>();
            Outcome outcome = attempt(attempt, scratch, copies);
            if (outcome.snapshot() != null) {
                return outcome.snapshot();
            }
            reasons.add("attempt " + attempt + ": " + outcome.retryReason());
            discard(copies);
            if (attempt < MAX_ATTEMPTS) {
                pause(attempt);
            }
        }
        throw new BorgRepositoryException(repository.path(), "no consistent snapshot of " + repository.path()
                + " after " + MAX_ATTEMPTS + " attempts (the repository kept changing): " + String.join("; ", reasons));
    }

    private Path prepare(Path scratchDir) {
        Path scratch = scratchDir.toAbsolutePath().normalize();
        if (realPath(scratch).startsWith(realPath(repository.path()))) {
            throw new BorgRepositoryException(repository.path(), "scratch directory " + scratch + " is inside repository "
                    + repository.path() + ": a snapshot never writes into a repository");
        }
        try {
            Files.createDirectories(scratch);
        } catch (IOException e) {
            throw new BorgRepositoryException(scratch, "cannot create scratch directory " + scratch + ": " + e, e);
        }
        return scratch;
    }

    /** {@code path} with symbolic links of its longest existing ancestor resolved. */
    private static Path realPath(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path));
        } catch (IOException e) {
            return path;
        }
    }

    private Outcome attempt(int attempt, Path scratch, List<Copied> copies) {
        OptionalLong current = repository.committedTransaction();
        if (current.isEmpty()) {
            return Outcome.retry("no non-empty index.N in the repository root (borg is rebuilding the index?)");
        }
        long t = current.getAsLong();
        SegmentList all = repository.segments();
        String pending = pendingCommit(all, t);
        if (pending != null) {
            return Outcome.retry(pending);
        }
        SegmentList listed = all.upTo(t);
        for (String name : List.of("config", "index." + t, "hints." + t, "integrity." + t, "nonce")) {
            Copied copied = copy(name, scratch);
            if (copied != null) {
                copies.add(copied);
            } else if (name.startsWith("index.") || "config".equals(name)) {
                return Outcome.retry(name + " vanished while copying (a newer transaction committed)");
            }
        }
        hooks.afterCopy(attempt, t);
        String changed = recheck(t, listed, copies);
        if (changed != null) {
            return Outcome.retry(changed);
        }
        Path configCopy = copies.get(0).file().copy();
        RepoConfig config = ConfigParser.parse(repository.path().resolve("config"),
                BorgRepository.readConfigText(configCopy));
        return new Outcome(new Snapshot(t, config, listed, copies.stream().map(Copied::file).toList(), scratch), null);
    }

    /**
     * A segment above T that already ends with the COMMIT entry means a newer transaction is committed but its
     * index is not in place yet; while borg compacts in that window it deletes segments {@code <= T}, so T cannot
     * be snapshotted safely.
     */
    private static String pendingCommit(SegmentList all, long t) {
        for (SegmentFile segment : all.subList(all.upTo(t).size(), all.size())) {
            try {
                if (segment.number() > t && SegmentReader.endsWithCommitEntry(segment.path())) {
                    return "segment " + segment.number() + " above index transaction " + t + " already ends with a"
                            + " COMMIT: borg is finishing a commit or compaction (or was interrupted there; the next borg"
                            + " command completes it)";
                }
            } catch (NoSuchFileException e) {
                return "segment " + segment.number() + " above index transaction " + t + " vanished while reading it";
            } catch (IOException e) {
                throw new BorgRepositoryException(segment.path(), "cannot read segment " + segment.path() + ": " + e, e);
            }
        }
        return null;
    }

    private String recheck(long t, SegmentList listed, List<Copied> copies) {
        OptionalLong now = repository.committedTransaction();
        if (now.isEmpty() || now.getAsLong() != t) {
            return "transaction " + t + " stopped being current while copying (now "
                    + (now.isPresent() ? now.getAsLong() : "none") + ")";
        }
        for (Copied copied : copies) {
            Path source = repository.path().resolve(copied.file().name());
            if (!Objects.equals(fingerprint(source), copied.source())) {
                return copied.file().name() + " was replaced while copying";
            }
        }
        SegmentList all = repository.segments();
        for (int i = 0; i < listed.size(); i++) {
            long n = listed.number(i);
            int again = all.indexOf(n);
            if (again < 0) {
                return "segment " + n + " vanished (borg compact?)";
            }
            if (!all.sameFingerprint(again, listed, i)) {
                return "segment " + n + " was rewritten (borg check --repair?)";
            }
        }
        return pendingCommit(all, t);
    }

    /** Copies {@code name} from the repository root into {@code scratch}; null when it does not exist. */
    private Copied copy(String name, Path scratch) {
        Path source = repository.path().resolve(name);
        Fingerprint before = fingerprint(source);
        if (before == null) {
            return null;
        }
        Path target = scratch.resolve(name);
        MessageDigest digest = SegmentReader.sha256();
        try (ChunkedReader in = new ChunkedReader(source, 64 * 1024); OutputStream out = Files.newOutputStream(target)) {
            long size = in.stream(Long.MAX_VALUE, (bytes, offset, length) -> {
                digest.update(bytes, offset, length);
                write(out, bytes, offset, length);
            });
            return new Copied(new ControlFile(name, target, size, HexFormat.of().formatHex(digest.digest())), before);
        } catch (NoSuchFileException e) {
            deleteQuietly(target);
            return null;
        } catch (IOException | UncheckedIOException e) {
            deleteQuietly(target);
            throw new BorgRepositoryException(source, "cannot copy " + source + " to " + target + ": " + e, e);
        }
    }

    private static void write(OutputStream out, byte[] bytes, int offset, int length) {
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Fingerprint fingerprint(Path file) {
        var attrs = BorgRepository.attributes(file);
        return attrs == null ? null : Fingerprint.of(attrs);
    }

    private static void discard(List<Copied> copies) {
        copies.forEach(c -> deleteQuietly(c.file().copy()));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale copy in the scratch directory is harmless; the next copy of that name replaces it
        }
    }

    private void pause(int attempt) {
        try {
            hooks.pause(attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BorgRepositoryException(repository.path(), "interrupted while taking a snapshot of "
                    + repository.path(), e);
        }
    }
}
