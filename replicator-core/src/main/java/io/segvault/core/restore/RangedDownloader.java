package io.segvault.core.restore;

import io.segvault.core.borg.HashedFile;
import io.segvault.core.borg.SegmentReader;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Downloads object versions into files: objects larger than one range are fetched as parallel ranged GETs
 * written by position; each range streams through a small buffer, so memory is bounded by the pool size,
 * not by object size. After the last range, the file's size and SHA-256 are checked.
 */
final class RangedDownloader {

    private static final int BUFFER = 256 * 1024;
    private static final int ATTEMPTS = 3;

    private final ObjectStore store;
    private final ExecutorService pool;
    private final long rangeSize;
    private final RestoreProgress progress;

    RangedDownloader(ObjectStore store, ExecutorService pool, long rangeSize, RestoreProgress progress) {
        this.store = store;
        this.pool = pool;
        this.rangeSize = Math.max(1 << 20, rangeSize);
        this.progress = progress;
    }

    CompletableFuture<Void> fetch(Restorer.Download d) {
        FileChannel ch;
        try {
            ch = FileChannel.open(d.file(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new UncheckedIOException(e));
        }
        if (d.size() == 0) {
            close(ch);
            return CompletableFuture.runAsync(() -> check(d), pool);
        }
        List<CompletableFuture<Void>> ranges = new ArrayList<>();
        long off = 0;
        do {
            long len = Math.min(rangeSize, d.size() - off);
            long start = off;
            ranges.add(CompletableFuture.runAsync(() -> fetchRange(d, ch, start, len), pool));
            off += len;
        } while (off < d.size());
        return CompletableFuture.allOf(ranges.toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> close(ch))
                .thenRun(() -> check(d));
    }

    private void fetchRange(Restorer.Download d, FileChannel ch, long start, long len) {
        for (int attempt = 1; ; attempt++) {
            try {
                copy(d, ch, start, len);
                return;
            } catch (IOException | StoreUnavailableException e) {
                if (attempt >= ATTEMPTS) {
                    throw new RestoreException("download of " + d.key() + " bytes " + start + "-" + (start + len - 1)
                            + " failed " + ATTEMPTS + " times: " + e.getMessage(), e);
                }
            }
        }
    }

    private void copy(Restorer.Download d, FileChannel ch, long start, long len) throws IOException {
        long pos = start;
        byte[] buf = new byte[BUFFER];
        try (InputStream in = store.get(d.key(), d.versionId(), start, len)) {
            int n;
            while (pos < start + len && (n = in.read(buf, 0, (int) Math.min(buf.length, start + len - pos))) > 0) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                try {
                    while (bb.hasRemaining()) {
                        pos += ch.write(bb, pos);
                    }
                } catch (IOException e) {
                    // a local write failure (disk full, read-only) is not helped by downloading again
                    throw new RestoreException("cannot write " + d.file() + ": " + e.getMessage(), e);
                }
                progress.advanced(n);
            }
        }
        if (pos != start + len) {
            throw new IOException("object " + d.key() + " ended after " + (pos - start) + " of " + len + " bytes at offset " + start);
        }
    }

    private static void check(Restorer.Download d) {
        HashedFile h = SegmentReader.hash(d.file());
        if (h.size() != d.size()) {
            throw new RestoreException("object " + d.key() + " version " + d.versionId() + " is " + h.size() + " bytes; the restore "
                    + "point says " + d.size(), null);
        }
        if (!h.sha256().equals(d.sha256())) {
            throw new RestoreException("object " + d.key() + " version " + d.versionId() + " has SHA-256 " + h.sha256()
                    + "; the restore point says " + d.sha256() + " (corrupt or tampered object)", null);
        }
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
