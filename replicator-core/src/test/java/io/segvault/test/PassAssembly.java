package io.segvault.test;

import io.segvault.core.borg.TamperDetector;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.metrics.Meters;
import io.segvault.core.metrics.RepoMetrics;
import io.segvault.core.replicate.IdentityGuard;
import io.segvault.core.replicate.LockedWriter;
import io.segvault.core.replicate.NothingNewCheck;
import io.segvault.core.replicate.OffsiteIndex;
import io.segvault.core.replicate.PointWriter;
import io.segvault.core.replicate.Reconciler;
import io.segvault.core.replicate.Replicator;
import io.segvault.core.replicate.RepositoryPass;
import io.segvault.core.replicate.TamperLog;
import io.segvault.core.replicate.UploadQueue;
import io.segvault.core.retention.RetentionKeeper;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.util.Throttle;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;

/**
 * Builds a repository pass for tests the way the agent's wiring does (unlimited bandwidth, a 1 GiB index limit).
 *
 * @param keeperRate retention extensions per second
 */
public record PassAssembly(ObjectStore store, Ledger ledger, BucketLayout layout, RetentionPolicy retention, Meters meters,
                           Clock clock, int keeperRate) {

    /** A pass inspecting with {@code detector}, uploading on {@code uploads}, with its scratch in {@code scratch}. */
    public RepositoryPass pass(TamperDetector detector, ExecutorService uploads, Path scratch) {
        RepoMetrics metrics = new RepoMetrics(meters);
        TamperLog tamper = new TamperLog(ledger, metrics, clock);
        LockedWriter writer = new LockedWriter(store, ledger, layout, retention, tamper, clock);
        OffsiteIndex offsite = new OffsiteIndex(ledger, metrics, 65_536);
        Replicator replicator = new Replicator(new IdentityGuard(writer, store, ledger, layout, clock), detector,
                new UploadQueue(writer, offsite, layout, uploads, new Throttle(0), metrics),
                new PointWriter(writer, store, ledger, layout, offsite, tamper, metrics, clock), tamper, metrics,
                new Replicator.Settings(scratch, 1L << 30));
        return new RepositoryPass(new Reconciler(store, ledger, layout), new NothingNewCheck(ledger.segmentCatalog(), metrics),
                replicator, keeper(), ledger, metrics, clock);
    }

    public RetentionKeeper keeper() {
        return new RetentionKeeper(store, ledger, retention, new RepoMetrics(meters), clock, new Throttle(keeperRate));
    }
}
