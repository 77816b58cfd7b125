package io.segvault.agent.wiring;

import io.segvault.core.store.BucketMisconfiguredException;
import io.segvault.core.store.BucketStatus;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every writing command does first: check the bucket and abort stale multipart uploads. It builds nothing. */
public final class Preflight {

    private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);

    private Preflight() {
    }

    /** Throws {@link BucketMisconfiguredException} naming everything that is missing. */
    public static BucketStatus check(Wiring w) {
        BucketStatus status = w.inspector().preflight();
        List<String> problems = status.problems();
        if (!problems.isEmpty()) {
            throw new BucketMisconfiguredException(null, "preflight failed: " + String.join("; ", problems), null);
        }
        return status;
    }

    /** {@link #check}, then aborts this prefix's multipart uploads a stopped agent left. */
    public static void checkBeforeWriting(Wiring w) {
        BucketStatus status = check(w);
        LOG.info("preflight ok: {}", status.describe());
        int aborted = w.writer().abortStaleUploads(w.layout().prefix(), w.clock().instant());
        if (aborted > 0) {
            LOG.info("aborted {} stale multipart uploads under '{}'", aborted, w.layout().prefix());
        }
    }
}
