package io.segvault.core.borg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * A hand-made Borg 1.x repository directory for fast unit tests of the model (end-to-end tests use real borg):
 * config, crafted segments {@code data/<n / perDir>/<n>}, and real-format {@code index.N} files.
 */
public final class FakeRepo {

    public static final String ID = "ab".repeat(32);
    private final Path dir;
    private final int perDir;

    private FakeRepo(Path dir, int perDir) {
        this.dir = dir;
        this.perDir = perDir;
    }

    /** Creates the directory with a version-1 config. */
    public static FakeRepo create(Path dir, int segmentsPerDir) {
        FakeRepo repo = new FakeRepo(dir, segmentsPerDir);
        repo.writeConfig(1);
        return repo;
    }

    public Path dir() {
        return dir;
    }

    /** Writes {@code config} as borg does (its {@code SaveFile}): a temporary file, then a rename into place. */
    public void writeConfig(int version) {
        Path tmp = dir.resolve("config.tmp");
        write(tmp, ("[repository]\nversion = " + version + "\nsegments_per_dir = " + perDir
                + "\nmax_segment_size = 1M\nappend_only = 0\nid = " + ID + "\nkey = aGVsbG8=\n\tbW9yZQ==\n")
                .getBytes(StandardCharsets.UTF_8));
        try {
            Files.move(tmp, dir.resolve("config"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path segmentPath(long n) {
        return dir.resolve("data").resolve(Long.toString(n / perDir)).resolve(Long.toString(n));
    }

    /** Writes segment {@code n} with {@code puts} PUT entries of {@code bytes} bytes each (no COMMIT). */
    public Path dataSegment(long n, int puts, int bytes) {
        SegmentBytes s = SegmentBytes.segment();
        for (int i = 0; i < puts; i++) {
            s.put((int) n * 31 + i, bytes);
        }
        return s.writeTo(segmentPath(n));
    }

    /** Writes segment {@code n} as a 17-byte COMMIT-only segment. */
    public Path commitSegment(long n) {
        return SegmentBytes.segment().commit().writeTo(segmentPath(n));
    }

    /**
     * Commits transaction {@code t} the way borg does: COMMIT segment {@code t}, hints/integrity, then
     * {@code index.t} renamed into place, then the older index files removed. The index points into
     * {@code referenced}.
     */
    public void commit(long t, Collection<Long> referenced) {
        commitSegment(t);
        writeIndex(t, referenced);
    }

    /** Writes hints.t, integrity.t and (by rename) index.t, then deletes older index/hints/integrity files. */
    public void writeIndex(long t, Collection<Long> referenced) {
        write(dir.resolve("hints." + t), ("hints " + t).getBytes(StandardCharsets.UTF_8));
        write(dir.resolve("integrity." + t), ("integrity " + t).getBytes(StandardCharsets.UTF_8));
        Path tmp = dir.resolve("index." + t + ".tmp");
        write(tmp, index(referenced));
        try {
            Files.move(tmp, dir.resolve("index." + t), StandardCopyOption.ATOMIC_MOVE);
            for (String prefix : List.of("index.", "hints.", "integrity.")) {
                try (var files = Files.newDirectoryStream(dir, prefix + "*")) {
                    for (Path f : files) {
                        String suffix = f.getFileName().toString().substring(prefix.length());
                        if (suffix.matches("\\d+") && Long.parseLong(suffix) < t) {
                            Files.delete(f);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** NSIndex bytes: 1031 buckets, one live entry per referenced segment plus a deleted bucket. */
    public static byte[] index(Collection<Long> referenced) {
        int buckets = 1031;
        ByteBuffer b = ByteBuffer.allocate(18 + buckets * 40).order(ByteOrder.LITTLE_ENDIAN);
        b.put("BORG_IDX".getBytes(StandardCharsets.US_ASCII)).putInt(referenced.size()).putInt(buckets)
                .put((byte) 32).put((byte) 8);
        int i = 0;
        for (int bucket = 0; bucket < buckets; bucket++) {
            byte[] key = new byte[32];
            Arrays.fill(key, (byte) bucket);
            b.put(key);
            long segment = bucket == 5 ? 0xfffffffeL : 0xffffffffL;
            if (bucket % 3 == 0 && i < referenced.size()) {
                segment = referenced.stream().skip(i++).findFirst().orElseThrow();
            }
            b.putInt((int) segment).putInt(bucket * 100);
        }
        return b.array();
    }

    public void nonce(String hex) {
        write(dir.resolve("nonce"), hex.getBytes(StandardCharsets.US_ASCII));
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
