package io.segvault.core.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.segvault.core.layout.BucketLayout;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * JSON encoding of restore points and repo.json. Encoding is deterministic (field order fixed by the
 * records), so the SHA-256 of a point's bytes, which the next point stores, is stable.
 */
public final class ManifestCodec {

    /** The format new points are written in. */
    public static final int FORMAT_VERSION = 2;
    /** The oldest format still read. */
    public static final int OLDEST_FORMAT = 1;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ManifestCodec() {
    }

    public static byte[] encode(RestorePoint point) {
        return write(point);
    }

    public static byte[] encode(RepoIdentity identity) {
        return write(identity);
    }

    /**
     * Decodes and checks a restore point: JSON shape, format version, that it belongs to {@code repo},
     * and that every key it names is a key of the bucket layout for the right entry (no traversal).
     *
     * @param source what the bytes are (object key or file), for messages
     */
    public static RestorePoint decodePoint(byte[] bytes, String source, String repo, BucketLayout layout) {
        RestorePoint p;
        try {
            p = JSON.readValue(bytes, RestorePoint.class);
        } catch (IOException e) {
            throw new ManifestException(source, "is not a valid restore point (JSON): " + oneLine(e), e);
        }
        if (p.formatVersion() < OLDEST_FORMAT || p.formatVersion() > FORMAT_VERSION) {
            throw new ManifestException(source, "has manifest format " + p.formatVersion() + "; this segvault reads formats "
                    + OLDEST_FORMAT + " to " + FORMAT_VERSION + " (upgrade segvault)", null);
        }
        if (!repo.equals(p.repo())) {
            throw new ManifestException(source, "belongs to repository " + p.repo() + ", not " + repo, null);
        }
        checkEntries(p, source, layout);
        return p;
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

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
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
