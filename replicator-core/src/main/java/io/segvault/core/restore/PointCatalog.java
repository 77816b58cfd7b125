package io.segvault.core.restore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.segvault.core.store.ObjectVersion;
import java.util.function.Supplier;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.ManifestException;
import io.segvault.core.manifest.PointDeltas;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.manifest.StoredPoint;
import io.segvault.core.store.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;

/**
 * Lists and reads the restore points of a repository straight from the bucket (no ledger needed: works
 * on a fresh host with read-only credentials). Which points count is decided by {@link PointChain}: the bytes,
 * Borg's structure and the server's write order, never a key name, a transaction number or "the first version".
 */
public final class PointCatalog {

    /** Default upper bound on the size of one restore point (about 250,000 segments). */
    public static final long DEFAULT_MAX_POINT_BYTES = 256L * 1024 * 1024;

    private final ObjectReader store;
    private final BucketLayout layout;
    private final long maxPointBytes;
    /** Per point version (immutable), what its bytes say; bounded, so memory does not grow with the history. */
    private final Cache<String, PointChain.Facts> facts = Caffeine.newBuilder().maximumSize(100_000).build();
    private final DecodedPoints decoded = new DecodedPoints();
    /** Per repository, the consistent points of the newest listing by transaction and SHA-256. */
    private final Map<String, Map<String, PointRef>> lastChain = new ConcurrentHashMap<>();
    /** The last full point materialized (a chain walked oldest first materializes each delta from its base). */
    private volatile Map.Entry<String, RestorePoint> lastFull;

    public PointCatalog(ObjectReader store, BucketLayout layout) {
        this(store, layout, DEFAULT_MAX_POINT_BYTES);
    }

    public PointCatalog(ObjectReader store, BucketLayout layout, long maxPointBytes) {
        this.store = store;
        this.layout = layout;
        this.maxPointBytes = maxPointBytes;
    }

    public BucketLayout layout() {
        return layout;
    }

    public ObjectReader store() {
        return store;
    }

    /**
     * Every point version of {@code repo}, highest transaction first, each marked consistent or not
     * ({@link PointRef#problem()}); the consistent ones form one linear chain.
     */
    public List<PointRef> list(String repo) {
        List<PointRef> all = new PointChain(this, maxPointBytes).resolve(repo, store.listVersions(layout.pointsPrefix(repo)));
        Map<String, PointRef> consistent = new HashMap<>();
        all.stream().filter(PointRef::consistent).forEach(p -> consistent.put(link(p.transaction(), p.sha256()), p));
        lastChain.put(repo, consistent);
        return all;
    }

    /**
     * The consistent points of {@code repo} by transaction and SHA-256, from the newest listing that holds {@code ref} as
     * consistent (points written later never change what came before them), else from a new listing.
     */
    Map<String, PointRef> chainByLink(PointRef ref) {
        Map<String, PointRef> m = lastChain.get(ref.repo());
        if (m == null || !ref.equals(m.get(link(ref.transaction(), ref.sha256())))) {
            list(ref.repo());
            m = lastChain.get(ref.repo());
        }
        return m;
    }

    static String link(long transaction, String sha256) {
        return transaction + "/" + sha256;
    }

    /** The full point of a consistent point version materialized last, if it is {@code t}/{@code sha256}. */
    RestorePoint materialized(long t, String sha256) {
        Map.Entry<String, RestorePoint> m = lastFull;
        return m != null && m.getKey().equals(link(t, sha256)) ? m.getValue() : null;
    }

    void remember(PointRef ref, RestorePoint full) {
        lastFull = Map.entry(link(ref.transaction(), ref.sha256()), full);
    }

    /** The consistent points of {@code repo}, newest first. */
    public List<PointRef> chain(String repo) {
        return list(repo).stream().filter(PointRef::consistent).toList();
    }

    /**
     * Picks a point: {@code latest} (the newest consistent point), a transaction number (its consistent point, or
     * else an inconsistent one: the caller warns), or (with {@code before}) the newest consistent point written
     * before a time.
     */
    public PointRef select(String repo, String point, Instant before, Instant now) {
        List<PointRef> all = list(repo);
        if (all.isEmpty()) {
            throw new RestoreException("no restore points for repository '" + repo + "' under " + layout.pointsPrefix(repo)
                    + " in bucket " + store.bucket() + " (wrong --repo, --prefix or bucket?)", null);
        }
        List<PointRef> chain = all.stream().filter(PointRef::consistent).toList();
        if (point != null && !point.equals("latest")) {
            long t = parseTransaction(point);
            return all.stream().filter(p -> p.transaction() == t).min(Comparator.comparing(p -> p.consistent() ? 0 : 1))
                    .orElseThrow(() -> new RestoreException("repository '" + repo + "' has no restore point for transaction " + t
                            + " (newest: " + all.get(0).transaction() + "; see `segvault points`)", null));
        }
        if (chain.isEmpty()) {
            throw new RestoreException("repository '" + repo + "' has " + all.size() + " restore point(s) but none is consistent "
                    + "(first: " + all.get(0).key() + " " + all.get(0).problem() + "); see `segvault points` and `segvault verify`",
                    null);
        }
        if (before != null) {
            if (before.isAfter(now)) {
                throw new RestoreException("--before " + before + " is in the future; use latest instead", null);
            }
            return chain.stream().filter(p -> p.written().isBefore(before)).findFirst()
                    .orElseThrow(() -> new RestoreException("no consistent restore point of '" + repo + "' was written before "
                            + before + "; the oldest is transaction " + chain.get(chain.size() - 1).transaction() + " written "
                            + chain.get(chain.size() - 1).written(), null));
        }
        return chain.get(0);
    }

    private static long parseTransaction(String point) {
        try {
            long t = Long.parseLong(point);
            if (t < 0) {
                throw new NumberFormatException();
            }
            return t;
        } catch (NumberFormatException e) {
            throw new RestoreException("--point must be 'latest' or a transaction number, not '" + point + "'", e);
        }
    }

    /**
     * Downloads and decodes a point (keys checked against the layout; size bounded; bytes checked against the ref) and
     * returns the full segment list at its transaction: a delta is materialized through the consistent chain
     * ({@link DeltaWalk}), and one that cannot be is refused.
     */
    public RestorePoint read(PointRef ref) {
        StoredPoint stored = readStored(ref);
        if (!stored.delta()) {
            return stored.point();
        }
        RestorePoint full = new DeltaWalk(this).materialize(ref, stored);
        remember(ref, full);
        return full;
    }

    /** What one point version's bytes say (a delta is not materialized); bytes checked against the ref. */
    public StoredPoint readStored(PointRef ref) {
        Decoded d = decode(ref.key(), ref.versionId(), maxPointBytes, ref.repo());
        if (ref.sha256() != null && !ref.sha256().equals(d.sha256())) {
            throw new ManifestException(ref.key(), "version " + ref.versionId() + " changed since it was listed", null);
        }
        return d.point();
    }

    /**
     * One point version read once: its SHA-256 (of every byte read) and what its bytes say, or why they say nothing.
     *
     * @param point   the decoded point; null when {@code problem} is set
     * @param problem why the bytes are not a valid point; null when {@code point} is set
     */
    record Decoded(String sha256, StoredPoint point, ManifestException problem) {
        @Override
        public StoredPoint point() {
            if (problem != null) {
                throw problem;
            }
            return point;
        }
    }

    /**
     * Reads and decodes one point version as a stream, hashing it on the way: neither the bytes nor a second copy of the
     * entries is held, whatever the size of the point (issue 20). The whole version is hashed even when decoding stops
     * early, so a caller can tell "changed since listed" from "not a point".
     *
     * @throws ManifestException when the version is larger than {@code limit} bytes
     */
    Decoded decode(String key, String versionId, long limit, String repo) {
        return decoded.get(key, versionId, () -> decodeOnce(key, versionId, limit, repo));
    }

    private Decoded decodeOnce(String key, String versionId, long limit, String repo) {
        MessageDigest digest = ManifestCodec.sha256Digest();
        try (InputStream raw = store.get(key, versionId, 0, -1);
             BoundedDigestStream in = new BoundedDigestStream(raw, digest, limit, key, versionId)) {
            StoredPoint p = null;
            ManifestException problem = null;
            try {
                p = ManifestCodec.decode(in, key, repo, layout);
            } catch (ManifestException e) {
                problem = e;
            }
            if (!in.exceeded()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            if (in.exceeded()) {
                throw in.tooLarge();
            }
            return new Decoded(HexFormat.of().formatHex(digest.digest()), p, problem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + key + " version " + versionId, e);
        }
    }

    /**
     * The points {@code ref} depends on, itself first, back to its checkpoint (a full point depends only on itself): what
     * retention keeps live with it. Empty when {@code ref} is a delta that cannot be materialized.
     */
    public List<PointRef> dependencies(PointRef ref) {
        List<PointRef> out = new ArrayList<>();
        if (!ref.consistent()) {
            return out;
        }
        Map<String, PointRef> chain = chainByLink(ref);
        PointRef current = ref;
        while (current != null && out.size() <= PointDeltas.MAX_DEPTH) {
            out.add(current);
            StoredPoint s = readStored(current);
            if (!s.delta()) {
                return out;
            }
            RestorePoint.PreviousPoint prev = s.point().previous();
            current = chain.get(link(prev.transaction(), prev.sha256()));
        }
        return List.of();
    }

    /** The exact bytes of one small object version (manifests, nonce), at most 1 MiB. */
    public byte[] bytes(String key, String versionId) {
        return bytes(key, versionId, 1024 * 1024);
    }

    /** The exact bytes of one object version; more than {@code limit} bytes is refused without reading them all. */
    public byte[] bytes(String key, String versionId, long limit) {
        try (InputStream in = store.get(key, versionId, 0, -1)) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (b.length > limit) {
                throw new ManifestException(key, "version " + versionId + " is larger than " + limit + " bytes; not read", null);
            }
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + key + " version " + versionId, e);
        }
    }

    /**
     * Borg's structure of a point, on its own (no chain): the transaction its key names, the commit's segment listed, nothing
     * above T, ascending numbers, control files of T. Null when it holds; else what is wrong.
     */
    public static String structureProblem(RestorePoint point, long keyTransaction) {
        return PointStructure.structureProblem(point, keyTransaction);
    }

    /** What a point version's bytes say, read and judged once per version per catalog. */
    PointChain.Facts facts(ObjectVersion version, Supplier<PointChain.Facts> compute) {
        return facts.get(version.key() + "@" + version.versionId(), k -> compute.get());
    }

    /** The consistent point immediately before {@code ref}, if any. */
    public Optional<PointRef> previous(PointRef ref) {
        return chain(ref.repo()).stream().filter(p -> p.transaction() < ref.transaction()).findFirst();
    }
}
