package io.segvault.core.manifest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Instant;
import java.util.List;

/**
 * The JSON shape shared by every point format: formats 1 and 2 spell every segment's key; format 3 adds {@code kind}
 * ({@code checkpoint} or {@code delta}) and {@code removed}, and spells a segment's key only when it is an alternative key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record PointWire(int formatVersion, String repo, String repoId, long transaction, Instant createdAt, int segmentsPerDir,
                 RestorePoint.PreviousPoint previous, String kind, List<Segment> segments, List<Long> removed,
                 List<RestorePoint.ControlEntry> control, boolean indexOmitted) {

    static final String CHECKPOINT = "checkpoint";
    static final String DELTA = "delta";

    /**
     * The same shape as read: every segment entry straight into its compact form ({@link EntryReader}); an entry that
     * lacks sha256 or versionId is null here and refused by the decoder.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record In(int formatVersion, String repo, String repoId, long transaction, Instant createdAt, int segmentsPerDir,
              RestorePoint.PreviousPoint previous, String kind,
              @JsonDeserialize(contentUsing = EntryReader.class) List<RestorePoint.SegmentEntry> segments, List<Long> removed,
              List<RestorePoint.ControlEntry> control, boolean indexOmitted) {
    }

    /** A format-3 segment entry: the key is left out when it is the one derived from n and sha256. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Segment(long n, String sha256, long size, String versionId, String key) {
    }
}
