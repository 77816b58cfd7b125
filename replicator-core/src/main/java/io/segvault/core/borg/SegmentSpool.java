package io.segvault.core.borg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pull mode's single read of a new segment: while a segment on the SFTP server is hashed, its bytes are also written
 * to a local spool file, and the upload reads that copy. Each segment then crosses the SSH connection once instead of
 * twice (once to hash, once to upload).
 *
 * <p>The spool is bounded by {@code capacity} bytes, counted by reservation before a copy is started. A segment that
 * does not fit is hashed on the server and uploaded from the server, as without a spool (read twice). Hashing ahead
 * never waits for room; the segment the inspection needs next waits only while uploads of the same repository hold
 * copies (they free room when they finish and do not depend on hashing), so waiting cannot deadlock.
 *
 * <p>The hash a copy is uploaded under is the one taken from the server's bytes as they arrived; the store hashes the
 * bytes it sends and refuses a mismatch, so a copy that changed on the local disk between the read and the upload
 * fails its upload instead of going offsite. Copies are deleted when released (upload done, or not needed); on
 * {@link #open} every {@code *.spool} file a stopped process left in the directory is deleted. Thread-safe.
 */
public final class SegmentSpool {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentSpool.class);
    private static final String SUFFIX = ".spool";

    /** Buffer of one copy's read. */
    private static final int BUFFER_SIZE = 1 << 20;

    /** How the spool reads the segments it copies. */
    public interface Reader {
        /** Whether segments at {@code segment} are copied (pull mode: those on a remote file system). */
        boolean copies(Path segment);

        /** The bytes of {@code segment}, sequentially, read as fast as the remote side allows (read ahead). */
        InputStream open(Path segment) throws IOException;
    }

    /** No spool: every remote segment is read twice. */
    public static final SegmentSpool NONE = new SegmentSpool(null, 0, null);

    private final Path dir;
    private final long capacity;
    private final Reader reader;
    private final AtomicLong names = new AtomicLong();
    private final Map<Key, Copy> copies = new HashMap<>();
    private long used;

    /** A segment file of a repository as it was listed. */
    private record Key(String repo, Path source, Fingerprint fingerprint) {
    }

    /** One local copy of a segment, reserved, being written, ready, or claimed by an upload. */
    public static final class Copy {
        private final Key key;
        private final Path file;
        private final long size;
        private boolean ready;
        private boolean claimed;
        private boolean dropped;

        private Copy(Key key, Path file, long size) {
            this.key = key;
            this.file = file;
            this.size = size;
        }

        /** The local file holding the segment's bytes. */
        public Path file() {
            return file;
        }

        /** The segment's size when listed (the copy's size). */
        public long size() {
            return size;
        }
    }

    private SegmentSpool(Path dir, long capacity, Reader reader) {
        this.dir = dir;
        this.capacity = capacity;
        this.reader = reader;
    }

    /**
     * A spool of at most {@code capacity} bytes in {@code dir} (created), for the segments {@code reader} copies
     * (pull mode: those on a remote file system). Deletes the {@code *.spool} files left in {@code dir}.
     *
     * @throws UncheckedIOException when the directory cannot be created or cleaned
     */
    public static SegmentSpool open(Path dir, long capacity, Reader reader) {
        if (capacity <= 0) {
            return NONE;
        }
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                }
            }
            try (DirectoryStream<Path> left = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
                for (Path p : left) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("spool directory " + dir + ": " + e.getMessage(), e);
        }
        return new SegmentSpool(dir, capacity, reader);
    }

    /** Whether segments at {@code source} are copied here when they fit. */
    public boolean applies(Path source) {
        return capacity > 0 && reader.copies(source);
    }

    /** Bytes reserved by copies now (being written, ready, or being uploaded). */
    public synchronized long used() {
        return used;
    }

    /** Room for a copy of {@code segment}, or null at once when there is none now (for hashing ahead). */
    synchronized Copy tryReserve(String repo, SegmentFile segment) {
        if (used + segment.size() > capacity) {
            return null;
        }
        Key key = new Key(repo, segment.path(), segment.fingerprint());
        if (copies.containsKey(key)) {
            return null;
        }
        Copy copy = new Copy(key, dir.resolve(names.incrementAndGet() + "-" + segment.number() + SUFFIX), segment.size());
        copies.put(key, copy);
        used += copy.size;
        return copy;
    }

    /**
     * Room for a copy of the segment needed next: waits while uploads of {@code repo} hold copies that will free room;
     * null when there is no room and nothing of {@code repo} to wait for (hash and upload from the server then).
     */
    synchronized Copy reserve(String repo, SegmentFile segment) {
        while (segment.size() <= capacity && used + segment.size() > capacity && claimedBytes(repo) > 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return tryReserve(repo, segment);
    }

    private long claimedBytes(String repo) {
        return copies.values().stream().filter(c -> c.claimed && c.key.repo.equals(repo)).mapToLong(c -> c.size).sum();
    }

    /**
     * Reads {@code copy}'s segment from the server once, hashing the bytes and writing them to the copy's file. Reads
     * at most one byte more than the listed size (a longer file fails the caller's size check; the spool stays bounded).
     *
     * @throws BorgRepositoryException when the segment cannot be read or the copy cannot be written (nothing is kept)
     */
    HashedFile fetch(Copy copy) {
        MessageDigest digest = SegmentReader.sha256();
        Path source = copy.key.source;
        long size = 0;
        try (InputStream in = reader.open(source);
             FileChannel out = create(copy.file)) {
            byte[] buffer = new byte[BUFFER_SIZE];
            int n;
            while (size <= copy.size && (n = in.read(buffer, 0, (int) Math.min(buffer.length, copy.size + 1 - size))) >= 0) {
                digest.update(buffer, 0, n);
                write(out, ByteBuffer.wrap(buffer, 0, (int) Math.min(n, copy.size - size)));
                size += n;
            }
        } catch (IOException | RuntimeException e) {
            remove(copy);
            throw new BorgRepositoryException(source, "cannot read " + source + " into the spool " + copy.file + ": " + e, e);
        }
        synchronized (this) {
            copy.ready = true;
            if (copy.dropped) {
                remove(copy);
            }
        }
        return new HashedFile(size, HexFormat.of().formatHex(digest.digest()));
    }

    /** A new file only its owner can read (on POSIX file systems), as the repository's files on the server. */
    private static FileChannel create(Path file) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        return FileChannel.open(file, options);
    }

    private static void write(FileChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }

    /**
     * The ready copy of {@code segment} (as listed) of {@code repo}, now the caller's: it releases the copy when its
     * upload is done. Empty when the segment was not copied.
     */
    public synchronized Optional<Copy> claim(String repo, SegmentFile segment) {
        Copy copy = copies.get(new Key(repo, segment.path(), segment.fingerprint()));
        if (copy == null || !copy.ready || copy.claimed) {
            return Optional.empty();
        }
        copy.claimed = true;
        return Optional.of(copy);
    }

    /** Deletes {@code copy}'s file and frees its room; a copy still being written goes when it is complete. */
    public synchronized void release(Copy copy) {
        if (copy.ready) {
            remove(copy);
        } else {
            copy.dropped = true; // fetch() removes it when it is done writing
        }
    }

    private synchronized void remove(Copy copy) {
        if (copies.get(copy.key) != copy) {
            return;
        }
        copies.remove(copy.key);
        used -= copy.size;
        try {
            Files.deleteIfExists(copy.file);
        } catch (IOException e) {
            LOG.warn("cannot delete spool file {}: {}", copy.file, e.toString());
        }
        notifyAll();
    }

    /** Releases every copy of {@code repo} that no upload claimed (hashed but not needed, or left by a failed pass). */
    public synchronized void dropUnclaimed(String repo) {
        List<Copy> unclaimed = copies.values().stream().filter(c -> !c.claimed && c.key.repo.equals(repo)).toList();
        unclaimed.forEach(this::release);
    }
}
