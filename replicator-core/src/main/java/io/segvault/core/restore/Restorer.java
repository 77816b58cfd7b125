package io.segvault.core.restore;

import io.segvault.core.borg.SegmentReader;
import io.segvault.core.borg.SegmentScan;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.store.ObjectNotFoundException;
import io.segvault.core.store.ObjectStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Restores one restore point into a directory that borg accepts: downloads every object the point names
 * by version id (in parallel, large objects in ranges), checks every size and SHA-256, checks the point is
 * complete (every segment present, segment T ends with a valid COMMIT), writes the highest nonce ever
 * replicated, and only then moves the result into place. On any failure nothing is left at the target.
 */
public final class Restorer {

    private static final String README = "This is a Borg Backup repository.\nSee https://borgbackup.readthedocs.io/\n";

    private final PointCatalog catalog;
    private final Options options;
    private final Clock clock;

    /**
     * @param parallelism downloads (objects or ranges of one) at once
     * @param rangeSize   bytes per ranged GET of an object larger than this; smaller objects come in one GET
     */
    public record Options(int parallelism, long rangeSize) {
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

    /** What a restore produced. */
    public record Result(String repo, long transaction, String repoId, Path target, int segments, long bytes, String nonce,
                         boolean indexOmitted, Duration took) {
    }

    public Restorer(PointCatalog catalog, Options options, Clock clock) {
        this.catalog = catalog;
        this.options = options;
        this.clock = clock;
    }

    public Result restore(PointRef ref, Path target, RestoreProgress progress) {
        Instant start = clock.instant();
        Path absTarget = target.toAbsolutePath().normalize();
        checkTarget(absTarget);
        RestorePoint point = catalog.read(ref);
        checkChainLink(ref, point);
        Path tmp = createTemp(absTarget);
        try {
            long bytes;
            String nonce;
            try (Transfer transfer = startDownloads(point, tmp, progress)) {
                nonce = highestNonce(point); // small GETs while the segments download
                bytes = transfer.await();
            }
            checkComplete(point, tmp);
            writeNonce(tmp, nonce);
            Files.writeString(tmp.resolve("README"), README, StandardCharsets.US_ASCII);
            moveIntoPlace(tmp, absTarget);
            progress.finished();
            return new Result(ref.repo(), point.transaction(), point.repoId(), absTarget, point.segments().size(), bytes, nonce,
                    point.indexOmitted(), Duration.between(start, clock.instant()));
        } catch (IOException e) {
            throw failed(ref, absTarget, e.toString(), e);
        } catch (RestoreException e) {
            throw failed(ref, absTarget, e.getMessage(), e);
        } finally {
            io.segvault.core.util.FileTree.deleteQuietly(tmp);
        }
    }

    /** A failure after the temporary directory beside the target was made: the message names the target. */
    private static RestoreException failed(PointRef ref, Path target, String why, Exception cause) {
        return new RestoreException("restore of " + ref.repo() + " transaction " + ref.transaction() + " into " + target
                + " failed: " + why + "; nothing was left at the target", cause);
    }

    private static void checkTarget(Path target) {
        if (Files.exists(target)) {
            if (!Files.isDirectory(target)) {
                throw new RestoreException("target " + target + " exists and is not a directory; restore into a new or empty "
                        + "directory", null);
            }
            try (DirectoryStream<Path> d = Files.newDirectoryStream(target)) {
                if (d.iterator().hasNext()) {
                    throw new RestoreException("target " + target + " is not empty; restore into a new or empty directory", null);
                }
            } catch (IOException e) {
                throw new RestoreException("cannot read target " + target + ": " + e, e);
            }
        }
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new RestoreException("the parent directory of target " + target + " does not exist", null);
        }
    }

    private void checkChainLink(PointRef ref, RestorePoint point) {
        if (point.transaction() != ref.transaction()) {
            throw new RestoreException("restore point " + ref.key() + " says transaction " + point.transaction()
                    + "; its key says " + ref.transaction(), null);
        }
        // the link to the previous point was checked when the catalog resolved the chain (PointChain)
    }

    private static Path createTemp(Path target) {
        try {
            return Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".segvault-restore-");
        } catch (IOException e) {
            throw new RestoreException("cannot create a temporary directory beside " + target + ": " + e, e);
        }
    }

    private Transfer startDownloads(RestorePoint point, Path tmp, RestoreProgress progress) throws IOException {
        List<Download> items = new ArrayList<>();
        String base = catalog.layout().repoPrefix(point.repo());
        int perDir = point.segmentsPerDir() > 0 ? point.segmentsPerDir() : 1000;
        for (RestorePoint.SegmentEntry s : point.segments()) {
            Path file = tmp.resolve("data").resolve(Long.toString(s.n() / perDir)).resolve(Long.toString(s.n()));
            items.add(new Download(base + s.key(), s.versionId(), s.size(), s.sha256(), file));
        }
        for (RestorePoint.ControlEntry c : point.control()) {
            if (!c.name().equals("nonce")) {
                items.add(new Download(base + c.key(), c.versionId(), c.size(), c.sha256(), tmp.resolve(c.name())));
            }
        }
        long total = items.stream().mapToLong(Download::size).sum();
        progress.started(items.size(), total);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.parallelism()), r -> {
            Thread t = new Thread(r, "segvault-restore");
            t.setDaemon(true);
            return t;
        });
        RangedDownloader dl = new RangedDownloader(catalog.store(), pool, options.rangeSize(), progress);
        Transfer transfer = new Transfer(pool, dl, total);
        try {
            for (Download d : items) {
                Files.createDirectories(d.file().getParent());
                transfer.all.add(dl.fetch(d));
            }
        } catch (IOException | RuntimeException e) {
            transfer.close();
            throw e;
        }
        return transfer;
    }

    /**
     * Downloads under way. {@link #close} stops the ones still running (when the restore fails early) and waits
     * for every download thread to let go of its file, so the temporary directory can be removed.
     */
    private static final class Transfer implements AutoCloseable {
        private final ExecutorService pool;
        private final RangedDownloader downloader;
        private final long total;
        private final List<CompletableFuture<Void>> all = new ArrayList<>();

        Transfer(ExecutorService pool, RangedDownloader downloader, long total) {
            this.pool = pool;
            this.downloader = downloader;
            this.total = total;
        }

        /** Waits for every download; returns the bytes restored. */
        long await() throws IOException {
            awaitAll(all);
            return total;
        }

        @Override
        public void close() {
            downloader.cancel();
            try {
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            } catch (CompletionException e) {
                // the failure that closed the transfer early is the one reported
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void awaitAll(List<CompletableFuture<Void>> all) throws IOException {
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof ObjectNotFoundException nf) {
                throw new RestoreException("object " + nf.key() + " named by the restore point is missing from the bucket at "
                        + "that version: " + nf.getMessage(), nf);
            }
            if (c instanceof RestoreException re) {
                throw re;
            }
            if (c instanceof ObjectStoreException ose) {
                throw new RestoreException("download of " + ose.key() + " failed: " + ose.getMessage(), ose);
            }
            if (c instanceof UncheckedIOException uio) {
                throw uio.getCause();
            }
            throw new RestoreException("download failed: " + c, c);
        }
    }

    /** One object to fetch. */
    record Download(String key, String versionId, long size, String sha256, Path file) {
    }

    private static void checkComplete(RestorePoint point, Path tmp) {
        if (point.control().stream().noneMatch(c -> c.name().equals("config"))) {
            throw new RestoreException("restore point " + point.transaction() + " of " + point.repo()
                    + " names no config file; borg cannot open the repository without it", null);
        }
        int perDir = point.segmentsPerDir() > 0 ? point.segmentsPerDir() : 1000;
        RestorePoint.SegmentEntry last = point.segments().stream().filter(s -> s.n() == point.transaction()).findFirst()
                .orElseThrow(() -> new RestoreException("restore point " + point.transaction() + " of " + point.repo()
                        + " names no segment " + point.transaction() + " (the COMMIT segment); borg would silently roll back "
                        + "to an older transaction", null));
        Path commit = tmp.resolve("data").resolve(Long.toString(last.n() / perDir)).resolve(Long.toString(last.n()));
        SegmentScan scan = SegmentReader.scan(commit);
        if (!scan.valid() || !scan.endsWithCommit()) {
            throw new RestoreException("segment " + last.n() + " of restore point " + point.transaction() + " does not end with a "
                    + "valid COMMIT (" + (scan.error() == null ? "no commit" : scan.error()) + "); the point is not restorable", null);
        }
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

    private static void writeNonce(Path tmp, String nonce) throws IOException {
        if (nonce != null) {
            Files.writeString(tmp.resolve("nonce"), nonce, StandardCharsets.US_ASCII);
        }
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        if (Files.isDirectory(target)) {
            Files.delete(target);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
