package io.segvault.core.borg;

import java.util.List;
import java.util.Map;

/**
 * Result of {@link TamperDetector#inspect}.
 *
 * @param segments every segment of the inspected snapshot by number (ascending), each with its SHA-256
 * @param events   tamper events found in this inspection (empty when all is normal)
 */
public record Inspection(Map<Long, KnownSegment> segments, List<TamperEvent> events) {

    public Inspection {
        segments = KnownSegments.of(segments);
        events = List.copyOf(events);
    }
}
