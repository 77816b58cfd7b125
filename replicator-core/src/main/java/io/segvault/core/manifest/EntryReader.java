package io.segvault.core.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/**
 * Reads one segment entry of a point straight into its compact {@link RestorePoint.SegmentEntry}, so decoding a point
 * of 200,000 segments never holds a second, wire-shaped copy of its entries with their SHA-256 strings (issue 20). What
 * the format rules say about an entry (a key may be left out only in format 3; sha256 and versionId are required) is
 * judged after the whole point is read, from what this reader noted in the call's {@link Notes}.
 */
final class EntryReader extends StdDeserializer<RestorePoint.SegmentEntry> {

    /** The per-call attribute holding the {@link Notes} of one decode. */
    static final String NOTES = "segvault.entryNotes";

    /** The first entries (by position) that lack a key, or sha256 or versionId. */
    static final class Notes {
        int read;
        long firstKeyAbsent = -1;
        long keyAbsentAt = Long.MAX_VALUE;
        long firstLacking = -1;
        long lackingAt = Long.MAX_VALUE;
    }

    EntryReader() {
        super(RestorePoint.SegmentEntry.class);
    }

    @Override
    public RestorePoint.SegmentEntry deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (!p.isExpectedStartObjectToken()) {
            return (RestorePoint.SegmentEntry) ctxt.handleUnexpectedToken(RestorePoint.SegmentEntry.class, p);
        }
        long n = 0;
        long size = 0;
        String sha = null;
        String versionId = null;
        String key = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "n" -> n = number(p, ctxt, t, name);
                case "size" -> size = number(p, ctxt, t, name);
                case "sha256" -> sha = text(p, ctxt, t, name);
                case "versionId" -> versionId = text(p, ctxt, t, name);
                case "key" -> key = text(p, ctxt, t, name);
                default -> p.skipChildren();
            }
        }
        Notes notes = (Notes) ctxt.getAttribute(NOTES);
        int at = notes.read++;
        if (sha == null || versionId == null) {
            if (at < notes.lackingAt) {
                notes.lackingAt = at;
                notes.firstLacking = n;
            }
            return null; // the point is refused once it has been read
        }
        if (key == null && at < notes.keyAbsentAt) {
            notes.keyAbsentAt = at;
            notes.firstKeyAbsent = n;
        }
        return key != null ? new RestorePoint.SegmentEntry(n, key, size, sha, versionId)
                : RestorePoint.SegmentEntry.ofDerivedKey(n, size, sha, versionId);
    }

    private static long number(JsonParser p, DeserializationContext ctxt, JsonToken t, String name) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            ctxt.reportInputMismatch(RestorePoint.SegmentEntry.class, "segment entry field '%s' is not an integer", name);
        }
        return p.getLongValue();
    }

    private static String text(JsonParser p, DeserializationContext ctxt, JsonToken t, String name) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            ctxt.reportInputMismatch(RestorePoint.SegmentEntry.class, "segment entry field '%s' is not a string", name);
        }
        return p.getText();
    }
}
