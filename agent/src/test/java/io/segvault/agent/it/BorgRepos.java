package io.segvault.agent.it;

import io.segvault.core.borg.BorgRepository;
import io.segvault.core.borg.SegmentFile;
import io.segvault.test.BorgFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Real borg repositories for the agent's tests: unencrypted (no passphrase needed by the drill or by a restore host),
 * 1 MiB segments unless asked otherwise, each commit an archive of {@link BorgFixture#generateData} input.
 */
public final class BorgRepos {

    private final BorgFixture borg;
    private final Path work;

    /** @param work a directory of the test; borg's client home and the archive inputs go below it */
    public BorgRepos(Path work) {
        this.borg = new BorgFixture(work);
        this.work = work;
    }

    public BorgFixture borg() {
        return borg;
    }

    /** {@code borg init} with 1 MiB segments and a first archive of {@code megabytes} random data; returns the directory. */
    public Path create(Path repo, long seed, int megabytes) {
        init(repo);
        borg.config(repo, "max_segment_size", "1M");
        commit(repo, seed, 1, megabytes);
        return repo;
    }

    /**
     * A repository of about {@code segments} tiny segments: 1 KiB segments ({@code max_segment_size}) and one archive of
     * that many 1,100-byte files of seeded random bytes, so each file's chunk fills a segment of its own.
     */
    public Path createManySegments(Path repo, long seed, int segments) {
        init(repo);
        borg.config(repo, "max_segment_size", "1K");
        Path src = work.resolve("src-" + repo.getFileName() + "-" + seed);
        java.util.Random random = new java.util.Random(seed);
        byte[] data = new byte[1100];
        try {
            Files.createDirectories(src);
            for (int i = 0; i < segments; i++) {
                random.nextBytes(data);
                Files.write(src.resolve("f" + i), data);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        borg.create(repo, "many", src);
        return repo;
    }

    /** A repository with borg's default segment size (one large segment for the data). */
    public Path createLargeSegments(Path repo, long seed, int megabytes) {
        init(repo);
        commit(repo, seed, 1, megabytes);
        return repo;
    }

    private void init(Path repo) {
        try {
            Files.createDirectories(repo.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        borg.init(repo, "none");
    }

    /** One more archive (generation {@code generation} of the same input: a few new chunks); returns the committed T. */
    public long commit(Path repo, long seed, int generation, int megabytes) {
        Path src = work.resolve("src-" + repo.getFileName() + "-" + seed);
        BorgFixture.generateData(src, seed, generation, megabytes);
        borg.create(repo, "archive-" + generation, src);
        return committed(repo);
    }

    /** The committed transaction T of {@code repo}, as segvault's model reads it. */
    public static long committed(Path repo) {
        return BorgRepository.open(repo).committedTransaction().orElseThrow();
    }

    /** Committed segments (number &lt;= T) and their files. */
    public static Map<Long, Path> committedSegments(Path repo) {
        BorgRepository model = BorgRepository.open(repo);
        long t = model.committedTransaction().orElseThrow();
        Map<Long, Path> out = new TreeMap<>();
        for (SegmentFile s : model.segments()) {
            if (s.number() <= t) {
                out.put(s.number(), s.path());
            }
        }
        return out;
    }
}
