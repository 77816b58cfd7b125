package io.segvault.core.restore;

import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.util.ThreadPools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;

/**
 * Restores one restore point into a directory that borg accepts: downloads every object the point names
 * by version id (in parallel, large objects in ranges, a bounded number of files open at once), checks every size
 * and SHA-256, fsyncs every file, checks the point is complete (every segment present, segment T ends with a valid
 * COMMIT), writes the highest nonce ever replicated, fsyncs the directories, and only then moves the result onto
 * the target in one rename. The work is staged in {@code <target>.segvault-partial/} with a journal of the files
 * finished ({@link RestoreJournal}): a run that was killed, or that failed on the store's side, is continued by
 * the next run with the same target, which keeps the files already verified. Any other failure (a corrupt or
 * missing object, an incomplete point, a local write error) removes the staging directory: nothing is left.
 */
public final class Restorer {

    private static final String README = "This is a Borg Backup repository.\nSee https://borgbackup.readthedocs.io/\n";

    private final PointCatalog catalog;
    private final Options options;
    private final Clock clock;
    private final ThreadPools pools;

    /**
     * @param parallelism downloads (objects or ranges of one) at once; at most twice as many files are open
     * @param rangeSize   bytes per ranged GET of an object larger than this; smaller objects come in one GET
     * @param fsync       fsync every file and directory before the final rename (off only to measure its cost)
     */
    public record Options(int parallelism, long rangeSize, boolean fsync) {

        /** With fsync. */
        public Options(int parallelism, long rangeSize) {
            this(parallelism, rangeSize, true);
        }

        /**
         * 8 at once; objects up to 512 MiB (every segment of borg's default 500 MiB segment size) in one GET each.
         * One stream per object is hashed entirely as it arrives, costs the fewest requests (each costs the cold
         * JVM milliseconds of CPU), and still downloads 8 objects at once; ranges of one object run in parallel
         * but can only be hashed in order, so a split object's later ranges are read back once they are next.
         */
        public static Options defaults() {
            return new Options(8, 512L << 20);
        }
    }

    /**
     * What a restore produced: {@code bytes} in the repository, of which {@code keptBytes} in {@code keptFiles} files
     * were kept from an interrupted earlier run and not downloaded again.
     */
    public record Result(String repo, long transaction, String repoId, Path target, int segments, long bytes, String nonce,
                         boolean indexOmitted, Duration took, int keptFiles, long keptBytes) {

        /** Bytes downloaded by this run. */
        public long downloadedBytes() {
            return bytes - keptBytes;
        }
    }

    /** Each restore downloads on a pool of {@code options.parallelism()} threads from {@code pools}. */
    public Restorer(PointCatalog catalog, Options options, Clock clock, ThreadPools pools) {
        this.catalog = catalog;
        this.options = options;
        this.clock = clock;
        this.pools = pools;
    }

    public Result restore(PointRef ref, Path target, RestoreProgress progress) {
        Instant start = clock.instant();
        Path absTarget = target.toAbsolutePath().normalize();
        RestoreChecks.checkTarget(absTarget);
        RestorePoint point = catalog.read(ref);
        checkChainLink(ref, point);
        RestoreJournal journal = openJournal(absTarget);
        boolean keep = false;
        try {
            Plan plan = plan(point, journal);
            journal.begin(options.fsync());
            progress.started(plan.downloads().size(), plan.bytes() - plan.keptBytes());
            String nonce = download(point, plan, journal, progress);
            Path repo = journal.repo();
            RestoreChecks.checkComplete(point, repo);
            finish(repo, nonce);
            journal.close();
            moveIntoPlace(repo, absTarget);
            progress.finished();
            return new Result(ref.repo(), point.transaction(), point.repoId(), absTarget, point.segments().size(), plan.bytes(),
                    nonce, point.indexOmitted(), Duration.between(start, clock.instant()), plan.keptFiles(), plan.keptBytes());
        } catch (DownloadFailedException e) {
            keep = true;
            throw new RestoreException("restore of " + ref.repo() + " transaction " + ref.transaction() + " into " + absTarget
                    + " failed: " + e.getMessage() + "; the files verified so far are kept in " + journal.staging()
                    + ": run the same restore again to continue (or delete that directory)", e);
        } catch (IOException e) {
            throw failed(ref, absTarget, e.toString(), e);
        } catch (RestoreException e) {
            throw failed(ref, absTarget, e.getMessage(), e);
        } finally {
            closeQuietly(journal);
            if (!keep) {
                io.segvault.core.util.FileTree.deleteQuietly(journal.staging());
            }
        }
    }

    /** A failure after the temporary directory beside the target was made: the message names the target. */
    private static RestoreException failed(PointRef ref, Path target, String why, Exception cause) {
        return new RestoreException("restore of " + ref.repo() + " transaction " + ref.transaction() + " into " + target
                + " failed: " + why + "; nothing was left at the target", cause);
    }

    private void checkChainLink(PointRef ref, RestorePoint point) {
        if (point.transaction() != ref.transaction()) {
            throw new RestoreException("restore point " + ref.key() + " says transaction " + point.transaction()
                    + "; its key says " + ref.transaction(), null);
        }
        // the link to the previous point was checked when the catalog resolved the chain (PointChain)
    }

    private static RestoreJournal openJournal(Path target) {
        try {
            return RestoreJournal.open(target);
        } catch (IOException e) {
            throw new RestoreException("cannot create the staging directory " + RestoreJournal.stagingOf(target) + " beside "
                    + target + ": " + e, e);
        }
    }

    private static void closeQuietly(RestoreJournal journal) {
        try {
            journal.close();
        } catch (IOException e) {
            // only the journal's handles; the outcome is already decided
        }
    }

    /** What to download and what an earlier run left complete. */
    private record Plan(List<Download> downloads, long bytes, int keptFiles, long keptBytes) {
    }

    /**
     * Every object of the point with its file below the staging repository; files an earlier run finished are kept,
     * anything else an earlier run left there is deleted.
     */
    private Plan plan(RestorePoint point, RestoreJournal journal) throws IOException {
        List<Download> all = DownloadList.of(point, journal.repo(), catalog.layout().repoPrefix(point.repo()));
        if (journal.resumed()) {
            journal.removeAllBut(all.stream().map(Download::file).collect(Collectors.toSet()));
        }
        BitSet kept = new BitSet(all.size());
        Set<Path> dirs = new HashSet<>();
        long bytes = 0;
        long keptBytes = 0;
        for (int i = 0; i < all.size(); i++) {
            Download d = all.get(i);
            bytes += d.size();
            if (dirs.add(d.file().getParent())) {
                Files.createDirectories(d.file().getParent());
            }
            if (journal.keep(d.file(), d.size(), d.sha256())) {
                keptBytes += d.size();
                kept.set(i);
            }
        }
        int keptFiles = kept.cardinality();
        List<Download> downloads = keptFiles == 0 ? all : DownloadList.without(all, kept);
        return new Plan(downloads, bytes, keptFiles, keptBytes);
    }

    /**
     * Downloads what the plan says, at most twice {@code parallelism} files open at once, each recorded in the journal
     * once it is complete, checked and durable; meanwhile finds the highest nonce. Returns the nonce.
     */
    private String download(RestorePoint point, Plan plan, RestoreJournal journal, RestoreProgress progress)
            throws IOException {
        int parallelism = Math.max(1, options.parallelism());
        ExecutorService pool = pools.fixed("segvault-restore", parallelism);
        ExecutorService writeback = options.fsync() ? pools.fixed("segvault-writeback", 1) : null;
        RangedDownloader dl = new RangedDownloader(catalog.store(), pool, options.rangeSize(), progress,
                options.fsync() ? RangedDownloader.Flush.fsync(writeback) : RangedDownloader.Flush.NONE);
        try (DownloadWindow window = new DownloadWindow(pool, dl, 2 * parallelism)) {
            CompletableFuture<String> nonce = CompletableFuture.supplyAsync(() -> highestNonce(point), pool);
            window.run(plan.downloads(), d -> journal.finished(d.file(), d.size(), d.sha256()));
            try {
                return nonce.join(); // small GETs that ran while the segments downloaded
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        } finally {
            if (writeback != null) {
                writeback.shutdown(); // every file waited for its writebacks before it was closed
            }
        }
    }

    /** One object to fetch. */
    record Download(String key, String versionId, long size, String sha256, Path file) {
    }

    /**
     * The highest nonce of the repository's points (never reuse an AES-CTR counter): the nonce of this point and
     * of the newest few consistent points, each read by the version its point names and checked against the
     * SHA-256 the point gives; null when none has one.
     */
    private String highestNonce(RestorePoint point) {
        String best = null;
        List<String> candidates = new ArrayList<>(NonceFinder.nonceOf(catalog, point).stream().toList());
        candidates.addAll(NonceFinder.newestNonces(catalog, point.repo(), 3));
        for (String n : candidates) {
            if (n.matches("[0-9a-fA-F]{16}") && (best == null || Long.compareUnsigned(Long.parseUnsignedLong(n, 16),
                    Long.parseUnsignedLong(best, 16)) > 0)) {
                best = n.toLowerCase(java.util.Locale.ROOT);
            }
        }
        return best;
    }

    /** borg's README and the nonce; then, with fsync, both files and every directory of the repository. */
    private void finish(Path repo, String nonce) throws IOException {
        Files.writeString(repo.resolve("README"), README, StandardCharsets.US_ASCII);
        if (nonce != null) {
            Files.writeString(repo.resolve("nonce"), nonce, StandardCharsets.US_ASCII);
        }
        if (options.fsync()) {
            Durability.fsyncFile(repo.resolve("README"));
            if (nonce != null) {
                Durability.fsyncFile(repo.resolve("nonce"));
            }
            Durability.fsyncDirectories(repo);
        }
    }

    /** One rename onto the target (an empty target directory is removed first); with fsync, then its parent. */
    private void moveIntoPlace(Path repo, Path target) throws IOException {
        if (Files.isDirectory(target)) {
            Files.delete(target);
        }
        Files.move(repo, target, StandardCopyOption.ATOMIC_MOVE);
        if (options.fsync()) {
            Durability.fsyncDirectory(target.getParent());
        }
    }
}
