package io.segvault.core.borg;

import java.time.Instant;

/**
 * Something happened to committed segments that borg's normal operation does not explain. Events are data: the
 * detector reports them and changes nothing, and replication never propagates a deletion or a rewrite offsite.
 *
 * @param repo    repository name as given to {@link TamperDetector#inspect}
 * @param kind    what happened
 * @param segment segment number concerned, or -1 for {@link Kind#MASS_DISAPPEARANCE}
 * @param detail  human-readable explanation for the operator (numbers, sizes, hashes, likely causes)
 * @param at      when the detector noticed it
 */
public record TamperEvent(String repo, Kind kind, long segment, String detail, Instant at) {

    /** Kinds of event. */
    public enum Kind {
        /** A known segment has other bytes under the same number. */
        CONTENT_CHANGED,
        /** A known segment is gone and no committed transaction explains it. */
        SEGMENT_VANISHED,
        /** More than the configured share of known segments (and of their bytes) vanished at once. */
        MASS_DISAPPEARANCE,
        /**
         * A key segvault was about to write is occupied by bytes it did not write (found by reading them back); the
         * object went to an alternative key. Someone holding a write credential for the bucket wrote it.
         */
        FOREIGN_OBJECT
    }
}
