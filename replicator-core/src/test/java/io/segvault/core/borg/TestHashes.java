package io.segvault.core.borg;

import io.segvault.core.util.Threads;
import java.util.concurrent.ExecutorService;

/** Segment hashing for tests, on one shared pool of daemon threads as the wiring would hand in. */
public final class TestHashes {

    private static final ExecutorService POOL = Threads.POOLS.fixed("segvault-hash", SegmentHashes.PARALLEL);

    private TestHashes() {
    }

    public static SegmentHashes create() {
        return create(SegmentSpool.NONE);
    }

    public static SegmentHashes create(SegmentSpool spool) {
        return new SegmentHashes(spool, POOL);
    }
}
