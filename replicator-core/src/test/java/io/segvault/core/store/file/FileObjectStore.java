package io.segvault.core.store.file;

import io.segvault.core.store.BucketStatus;
import io.segvault.core.store.ForeignObjectException;
import io.segvault.core.store.IntegrityException;
import io.segvault.core.store.LockMode;
import io.segvault.core.store.ObjectNotFoundException;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.ObjectStoreException;
import io.segvault.core.store.ObjectVersion;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A versioned, Object-Lock-enforcing bucket kept in files, for tests at a scale the heap must not carry: key
 * {@code a/b} keeps its versions in {@code <root>/a/b/.v/<id>} (bytes) and {@code <id>.m} (SHA-256 as the store reports
 * it, lock mode, lock date, write time, delete marker). Nothing per object stays in memory. It follows the
 * {@link ObjectStore} contract as {@link io.segvault.core.store.memory.InMemoryObjectStore} does (same contract tests).
 */
public final class FileObjectStore implements ObjectStore {

    private static final String VERSIONS = ".v";

    private record Meta(String sha256, LockMode mode, Instant until, Instant written, boolean marker) {
        String line() {
            return (sha256 == null ? "-" : sha256) + " " + mode + " " + (until == null ? "-" : until) + " " + written + " " + marker;
        }

        static Meta parse(String line) {
            String[] p = line.trim().split(" ");
            return new Meta("-".equals(p[0]) ? null : p[0], LockMode.valueOf(p[1]), "-".equals(p[2]) ? null : Instant.parse(p[2]),
                    Instant.parse(p[3]), Boolean.parseBoolean(p[4]));
        }
    }

    private final String bucket;
    private final Path root;
    private final Clock clock;
    private final AtomicLong nextVersion = new AtomicLong(1);
    private final AtomicLong puts = new AtomicLong();

    public FileObjectStore(String bucket, Path root, Clock clock) {
        this.bucket = bucket;
        this.root = root;
        this.clock = clock;
        try {
            Files.createDirectories(root);
            Path counter = root.resolve(".next-version");
            if (Files.exists(counter)) {
                nextVersion.set(Long.parseLong(Files.readString(counter).trim()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String bucket() {
        return bucket;
    }

    /** Versions written by {@link #putOnce}. */
    public long putCount() {
        return puts.get();
    }

    @Override
    public synchronized StoredObject putOnce(PutRequest request) {
        String key = request.key();
        Path tmp = root.resolve(".upload-" + nextVersion.get());
        String actual = copy(request.source(), key, tmp);
        if (!actual.equals(request.sha256())) {
            delete(tmp);
            throw new IntegrityException(key, "bytes of " + request.source().describe() + " hash to " + actual + ", not the "
                    + request.sha256() + " the request names", null);
        }
        Optional<String> current = currentId(key);
        if (current.isPresent()) {
            delete(tmp);
            String id = current.get();
            Meta existing = meta(key, id);
            if (!actual.equals(sha256(data(key, id))) || existing.mode() == LockMode.GOVERNANCE) {
                throw new ForeignObjectException(key, id, "key " + key + " is occupied by version " + id
                        + " whose bytes segvault did not write (asked to write sha256 " + request.sha256() + ")", null);
            }
            if (!request.retention().satisfiedBy(existing.mode(), existing.until())) {
                return extendRetention(key, id, request.retention().retainUntil());
            }
            return info(key, id);
        }
        puts.incrementAndGet();
        String id = newVersion();
        try {
            Files.createDirectories(versions(key));
            Files.move(tmp, data(key, id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeMeta(key, id, new Meta(request.sha256(), request.retention().mode(), seconds(request.retention().retainUntil()),
                clock.instant(), false));
        return info(key, id);
    }

    /** Writes a new unlocked version without any check, as an attacker with the agent's credential could. */
    public synchronized String putRaw(String key, byte[] bytes, String claimedSha256, LockMode mode, Instant until) {
        String id = newVersion();
        try {
            Files.createDirectories(versions(key));
            Files.write(data(key, id), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeMeta(key, id, new Meta(claimedSha256, mode, until, clock.instant(), false));
        return id;
    }

    @Override
    public synchronized Optional<StoredObject> head(String key) {
        return currentId(key).map(id -> info(key, id));
    }

    @Override
    public synchronized StoredObject head(String key, String versionId) {
        return info(key, existing(key, versionId));
    }

    @Override
    public synchronized InputStream get(String key, String versionId, long offset, long length) {
        Path file = data(key, existing(key, versionId));
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            if (offset < 0 || offset > ch.size()) {
                long size = ch.size();
                ch.close();
                throw new IllegalArgumentException("offset " + offset + " outside " + key + " (" + size + " bytes)");
            }
            ch.position(offset);
            InputStream in = Channels.newInputStream(ch);
            return length < 0 ? in : bounded(in, length);
        } catch (IOException e) {
            throw new ObjectStoreException(key, "cannot read " + file + ": " + e, e);
        }
    }

    @Override
    public synchronized List<ObjectVersion> listVersions(String prefix) {
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        List<ObjectVersion> out = new ArrayList<>();
        if (!Files.isDirectory(start)) {
            return out;
        }
        try (Stream<Path> dirs = Files.walk(start)) {
            List<String> keys = dirs.filter(d -> d.getFileName().toString().equals(VERSIONS))
                    .map(d -> root.relativize(d.getParent()).toString()).filter(k -> k.startsWith(prefix)).sorted().toList();
            for (String key : keys) {
                List<String> ids = ids(key);
                for (int i = 0; i < ids.size(); i++) {
                    Meta m = meta(key, ids.get(i));
                    out.add(new ObjectVersion(key, ids.get(i), m.marker() ? 0 : Files.size(data(key, ids.get(i))), m.written(),
                            i == 0, m.marker()));
                }
            }
        } catch (IOException e) {
            throw new ObjectStoreException(prefix, "cannot list " + start + ": " + e, e);
        }
        return out;
    }

    @Override
    public synchronized StoredObject extendRetention(String key, String versionId, Instant retainUntil) {
        existing(key, versionId);
        Meta m = meta(key, versionId);
        Instant until = seconds(retainUntil);
        if (m.until() == null || m.until().isBefore(until)) {
            writeMeta(key, versionId, new Meta(m.sha256(), LockMode.COMPLIANCE, until, m.written(), false));
        }
        return info(key, versionId);
    }

    @Override
    public BucketStatus preflight() {
        return new BucketStatus(bucket, true, true, LockMode.NONE, null);
    }

    @Override
    public int abortStaleUploads(String prefix, Instant initiatedBefore) {
        return 0; // a put here is a rename: nothing is ever left open
    }

    @Override
    public void close() {
        // nothing held open
    }

    private String newVersion() {
        long id = nextVersion.getAndIncrement();
        try {
            Files.writeString(root.resolve(".next-version"), Long.toString(id + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Long.toString(id);
    }

    private Path versions(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("..") || key.contains("/" + VERSIONS)) {
            throw new IllegalArgumentException("key " + key + " cannot be stored in files");
        }
        return root.resolve(key).resolve(VERSIONS);
    }

    private Path data(String key, String id) {
        return versions(key).resolve(id);
    }

    /** Version ids of {@code key}, newest first (ids grow with every write). */
    private List<String> ids(String key) {
        Path dir = versions(key);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".m"))
                    .sorted(Comparator.comparingLong((String n) -> Long.parseLong(n)).reversed()).toList();
        } catch (IOException e) {
            throw new ObjectStoreException(key, "cannot list " + dir + ": " + e, e);
        }
    }

    private Optional<String> currentId(String key) {
        List<String> ids = ids(key);
        return ids.isEmpty() || meta(key, ids.get(0)).marker() ? Optional.empty() : Optional.of(ids.get(0));
    }

    private String existing(String key, String versionId) {
        if (!versionId.matches("\\d+") || !Files.exists(data(key, versionId)) || meta(key, versionId).marker()) {
            throw new ObjectNotFoundException(key, "no version " + versionId + " of " + key + " in bucket " + bucket, null);
        }
        return versionId;
    }

    private Meta meta(String key, String id) {
        try {
            return Meta.parse(Files.readString(versions(key).resolve(id + ".m")));
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key, "no version " + id + " of " + key + " in bucket " + bucket, e);
        } catch (IOException e) {
            throw new ObjectStoreException(key, "cannot read the metadata of " + key + " version " + id + ": " + e, e);
        }
    }

    private void writeMeta(String key, String id, Meta m) {
        try {
            Path tmp = versions(key).resolve(id + ".m.tmp");
            Files.writeString(tmp, m.line());
            Files.move(tmp, versions(key).resolve(id + ".m"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private StoredObject info(String key, String id) {
        Meta m = meta(key, id);
        try {
            return new StoredObject(key, id, Files.size(data(key, id)), m.sha256(), m.mode(), m.until(), m.written());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant seconds(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS);
    }

    /** Copies the source into {@code target}, returning the SHA-256 of what was copied. */
    private static String copy(ObjectSource source, String key, Path target) {
        MessageDigest digest = sha();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try (ObjectSource.Reader r = source.open(); OutputStream out = Files.newOutputStream(target)) {
            long pos = 0;
            while (pos < source.size()) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), source.size() - pos));
                r.readFully(buf, pos);
                digest.update(buf.array(), 0, buf.limit());
                out.write(buf.array(), 0, buf.limit());
                pos += buf.limit();
            }
        } catch (IOException e) {
            delete(target);
            throw new ObjectStoreException(key, "cannot read " + source.describe() + " to upload " + key + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(Path file) {
        MessageDigest digest = sha();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream bounded(InputStream in, long length) {
        return new InputStream() {
            private long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale upload file is overwritten by the next put
        }
    }
}
