package io.segvault.core.manifest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.segvault.core.layout.BucketLayout;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.AbstractList;
import java.util.HexFormat;
import java.util.List;

/**
 * JSON encoding of restore points and repo.json. Encoding is deterministic (field order fixed by the
 * records), so the SHA-256 of a point's bytes, which the next point stores, is stable.
 */
public final class ManifestCodec {

    /** The format new points are written in (3: checkpoints and deltas). */
    public static final int FORMAT_VERSION = 3;
    /** The last format in which every point lists every segment with its key spelled out. */
    public static final int FULL_FORMAT = 2;
    /** The oldest format still read. */
    public static final int OLDEST_FORMAT = 1;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    /** Format 3 is written without indentation: a checkpoint's size is what a restore and every lock pay for. */
    private static final ObjectMapper COMPACT = JSON.copy().disable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectReader READER = JSON.readerFor(PointWire.In.class).without(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    /** {@link #COMPACT} writing into a stream it leaves open. */
    private static final ObjectWriter STREAM = COMPACT.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private ManifestCodec() {
    }

    /** Encodes a full point: formats 1 and 2 as they were written, format 3 as a checkpoint. */
    public static byte[] encode(RestorePoint point) {
        if (point.formatVersion() <= FULL_FORMAT) {
            return write(JSON, point);
        }
        return encode(StoredPoint.full(point));
    }

    /** Encodes a format-3 point: a checkpoint (full) or a delta (added entries and removed numbers). */
    public static byte[] encode(StoredPoint stored) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(stored, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /**
     * Writes a format-3 point to {@code out} (left open): exactly the bytes {@link #encode(StoredPoint)} returns, produced
     * entry by entry, so a checkpoint of any size is never held in memory whole.
     */
    public static void write(StoredPoint stored, OutputStream out) throws IOException {
        RestorePoint p = stored.point();
        if (p.formatVersion() != FORMAT_VERSION) {
            throw new IllegalArgumentException("format-3 encoding of a format-" + p.formatVersion() + " point");
        }
        List<PointWire.Segment> segs = new AbstractList<>() {
            @Override
            public PointWire.Segment get(int i) {
                RestorePoint.SegmentEntry s = p.segments().get(i);
                return new PointWire.Segment(s.n(), s.sha256(), s.size(), s.versionId(), s.derivedKey() ? null : s.key());
            }

            @Override
            public int size() {
                return p.segments().size();
            }
        };
        STREAM.writeValue(out, new PointWire(p.formatVersion(), p.repo(), p.repoId(), p.transaction(), p.createdAt(),
                p.segmentsPerDir(), p.previous(), stored.delta() ? PointWire.DELTA : PointWire.CHECKPOINT, segs,
                stored.delta() ? stored.removed() : null, p.control(), p.indexOmitted()));
    }

    /** The key (relative to the repository prefix) a segment entry has unless it names an alternative key. */
    public static String segmentKey(long n, String sha256) {
        return "segments/" + BucketLayout.pad(n) + "/" + sha256;
    }

    public static byte[] encode(RepoIdentity identity) {
        return write(JSON, identity);
    }

    /**
     * Decodes and checks a full restore point (format 1, 2, or a format-3 checkpoint); a delta is refused here (it is
     * materialized through the chain, {@code PointCatalog.read}).
     */
    public static RestorePoint decodePoint(byte[] bytes, String source, String repo, BucketLayout layout) {
        StoredPoint s = decode(bytes, source, repo, layout);
        if (s.delta()) {
            throw new ManifestException(source, "is a delta point: it names only the changes since point "
                    + s.point().previous().transaction() + " and is read through the consistent chain", null);
        }
        return s.point();
    }

    /**
     * Decodes and checks what a point's bytes say: JSON shape, format version, that it belongs to {@code repo},
     * and that every key it names is a key of the bucket layout for the right entry (no traversal).
     *
     * @param source what the bytes are (object key or file), for messages
     */
    public static StoredPoint decode(byte[] bytes, String source, String repo, BucketLayout layout) {
        return decode(new ByteArrayInputStream(bytes), source, repo, layout);
    }

    /**
     * As {@link #decode(byte[], String, String, BucketLayout)}, reading the point from {@code in} (left open) without
     * holding its bytes: a checkpoint of 200,000 segments costs its entries, not its 30 MB of JSON as well.
     */
    public static StoredPoint decode(InputStream in, String source, String repo, BucketLayout layout) {
        PointWire.In w;
        EntryReader.Notes notes = new EntryReader.Notes();
        try {
            w = READER.withAttribute(EntryReader.NOTES, notes).readValue(in);
        } catch (IOException e) {
            throw new ManifestException(source, "is not a valid restore point (JSON): " + oneLine(e), e);
        }
        if (w.formatVersion() < OLDEST_FORMAT || w.formatVersion() > FORMAT_VERSION) {
            throw new ManifestException(source, "has manifest format " + w.formatVersion() + "; this segvault reads formats "
                    + OLDEST_FORMAT + " to " + FORMAT_VERSION + " (upgrade segvault)", null);
        }
        if (!repo.equals(w.repo())) {
            throw new ManifestException(source, "belongs to repository " + w.repo() + ", not " + repo, null);
        }
        if (w.segments() == null || w.control() == null || w.repoId() == null || w.createdAt() == null) {
            throw new ManifestException(source, "lacks segments, control, repoId or createdAt", null);
        }
        boolean delta = w.formatVersion() == FORMAT_VERSION && kind(w, source);
        RestorePoint p = new RestorePoint(w.formatVersion(), w.repo(), w.repoId(), w.transaction(), w.createdAt(),
                w.segmentsPerDir(), w.previous(), segments(w, notes, source), w.control(), w.indexOmitted());
        checkEntries(p, source, layout);
        return new StoredPoint(p, delta, delta && w.removed() != null ? w.removed() : List.of());
    }

    /**
     * The entries with their keys: spelled out in formats 1 and 2, derived from n and sha256 in format 3 unless given. The
     * first entry (in the point's order) that breaks a rule is named.
     */
    private static List<RestorePoint.SegmentEntry> segments(PointWire.In w, EntryReader.Notes notes, String source) {
        long keyAt = w.formatVersion() == FORMAT_VERSION ? Long.MAX_VALUE : notes.keyAbsentAt;
        if (notes.lackingAt < Long.MAX_VALUE || keyAt < Long.MAX_VALUE) {
            long n = notes.lackingAt < keyAt ? notes.firstLacking : notes.firstKeyAbsent;
            throw new ManifestException(source, "segment entry " + n + " lacks its key, sha256 or versionId", null);
        }
        return w.segments();
    }

    /** Format 3: true for a delta (which must name its base), false for a checkpoint (which removes nothing). */
    private static boolean kind(PointWire.In w, String source) {
        if (PointWire.DELTA.equals(w.kind())) {
            if (w.previous() == null) {
                throw new ManifestException(source, "is a delta point without a previous point (its base)", null);
            }
            return true;
        }
        if (PointWire.CHECKPOINT.equals(w.kind())) {
            if (w.removed() != null && !w.removed().isEmpty()) {
                throw new ManifestException(source, "is a checkpoint but lists removed segments", null);
            }
            return false;
        }
        throw new ManifestException(source, "has kind " + w.kind() + "; a format-3 point is a checkpoint or a delta", null);
    }

    private static void checkEntries(RestorePoint p, String source, BucketLayout layout) {
        try {
            for (RestorePoint.SegmentEntry s : p.segments()) {
                BucketLayout.Key k = layout.resolve(p.repo(), s.key());
                if (!(k instanceof BucketLayout.SegmentKey sk) || sk.number() != s.n() || !sk.sha256().equals(s.sha256())) {
                    throw new ManifestException(source, "segment entry " + s.n() + " names key " + s.key()
                            + " which is not segments/" + BucketLayout.pad(s.n()) + "/" + s.sha256(), null);
                }
            }
            for (RestorePoint.ControlEntry c : p.control()) {
                BucketLayout.Key k = layout.resolve(p.repo(), c.key());
                if (!(k instanceof BucketLayout.ControlKey ck) || !ck.name().equals(c.name())) {
                    throw new ManifestException(source, "control entry " + c.name() + " names key " + c.key()
                            + " which is not a control key for that name", null);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new ManifestException(source, "names an invalid key: " + e.getMessage(), e);
        }
    }

    public static RepoIdentity decodeIdentity(byte[] bytes, String source) {
        try {
            return JSON.readValue(bytes, RepoIdentity.class);
        } catch (IOException e) {
            throw new ManifestException(source, "is not a valid repo.json: " + oneLine(e), e);
        }
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private static String oneLine(IOException e) {
        if (e instanceof JsonProcessingException jpe) {
            String msg = jpe.getOriginalMessage();
            var loc = jpe.getLocation();
            return msg + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr());
        }
        return e.getMessage();
    }
}
