package io.segvault.agent;

import io.segvault.core.replicate.RepositoryPass;
import io.segvault.core.store.BucketMisconfiguredException;
import io.segvault.core.store.BucketStatus;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every writing command does first: check the bucket, abort stale multipart uploads, build the pass. */
public final class Preflight {

    private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);

    private Preflight() {
    }

    /** Throws {@link BucketMisconfiguredException} naming everything that is missing. */
    public static BucketStatus check(Wiring w) {
        BucketStatus status = w.store().preflight();
        List<String> problems = status.problems();
        if (!problems.isEmpty()) {
            throw new BucketMisconfiguredException(null, "preflight failed: " + String.join("; ", problems), null);
        }
        return status;
    }

    public static RepositoryPass startAgent(Wiring w) {
        BucketStatus status = check(w);
        LOG.info("preflight ok: {}", status.describe());
        int aborted = w.store().abortStaleUploads(w.layout().prefix(), w.clock().instant());
        if (aborted > 0) {
            LOG.info("aborted {} stale multipart uploads under '{}'", aborted, w.layout().prefix());
        }
        return w.repositoryPass();
    }
}
