package io.segvault.core.witness;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.restore.PointRef;
import java.time.Duration;
import java.time.Instant;

/**
 * The witness's checks that a point may continue the chain it attested: its bytes are what its key and the listing say,
 * and it follows the last attested point in links, transactions and the server's write times. Each returns what is
 * wrong, or null.
 */
final class ChainCheck {

    private ChainCheck() {
    }

    /**
     * What is wrong with the point's bytes before they are read: unread or unreadable, not the SHA-256 its key names, or
     * (for the first attestation of a repository only) not in the bucket's consistent chain.
     */
    static String bytesProblem(PointRef ref, BucketLayout layout, boolean first) {
        if (ref.sha256() == null) {
            return ref.problem();
        }
        if (layout.parse(ref.key()) instanceof BucketLayout.PointKey pk && pk.sha256() != null
                && !pk.sha256().equals(ref.sha256())) {
            return "version " + ref.versionId() + " hashes to " + ref.sha256() + ", not the SHA-256 its key names";
        }
        if (first && !ref.consistent()) {
            return ref.problem() + " (the first point a witness attests must be part of the bucket's consistent chain)";
        }
        return null;
    }

    /** "fork: …" or "order: …" when the point does not continue the attested chain in time and order; null when it does. */
    static String orderProblem(PointRef ref, RestorePoint point, Verdict last, Instant firstSeen, Instant previousListing,
                               Duration clockSkew) {
        if (last != null) {
            RestorePoint.PreviousPoint prev = point.previous();
            if (prev == null || prev.transaction() != last.transaction() || !prev.sha256().equals(last.pointSha256())) {
                return "fork: it names " + (prev == null ? "no previous point" : "transaction " + prev.transaction() + " ("
                        + prev.sha256() + ")") + " as its previous point, but the last point the witness attested is transaction "
                        + last.transaction() + " (" + last.pointSha256() + ")";
            }
            if (point.transaction() <= last.transaction()) {
                return "order: transaction " + point.transaction() + " is not above the last attested transaction " + last.transaction();
            }
            if (!ref.written().isAfter(last.pointWritten())) {
                return "order: the server wrote it at " + ref.written() + ", not after the last attested point (" + last.pointWritten()
                        + ")";
            }
        }
        if (ref.written().isAfter(firstSeen.plus(clockSkew))) {
            return "order: the server says it was written at " + ref.written() + ", after the witness first saw it at " + firstSeen;
        }
        if (previousListing != null && ref.written().isBefore(previousListing.minus(clockSkew))) {
            return "order: the server says it was written at " + ref.written() + ", but it was not there when the witness listed "
                    + "the repository at " + previousListing;
        }
        return null;
    }
}
