package io.segvault.core.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
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

    /** A format-3 segment entry: the key is left out when it is the one derived from n and sha256. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Segment(long n, String sha256, long size, String versionId, String key) {
    }
}
