package io.segvault.core.borg;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What {@link TamperDetector} remembers per repository: the committed transaction last inspected and every segment
 * of it with size, SHA-256 and fingerprint. {@link InMemorySegmentCatalog} keeps it in memory; the ledger persists
 * it. Implementations must be safe for concurrent use by different repositories.
 */
public interface SegmentCatalog {

    /** Segments remembered for {@code repo} by number (empty map when none). */
    Map<Long, KnownSegment> known(String repo);

    /** Transaction of the last {@link #remember} for {@code repo}, empty when none. */
    OptionalLong knownTransaction(String repo);

    /** Replaces what is remembered for {@code repo} by {@code segments} at {@code transaction}, atomically. */
    void remember(String repo, long transaction, Collection<KnownSegment> segments);
}
