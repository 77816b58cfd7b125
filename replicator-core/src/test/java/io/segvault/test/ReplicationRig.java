package io.segvault.test;

import io.segvault.core.util.Threads;
import io.segvault.core.borg.TestHashes;
import io.segvault.core.store.s3.S3Stores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvault.core.borg.TamperDetector;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.metrics.Meters;
import io.segvault.core.replicate.RepositoryPass;
import io.segvault.core.retention.RetentionKeeper;
import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.Restorer;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.s3.S3ObjectStore;
import io.segvault.core.store.s3.S3StoreConfig;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The replication stack wired against a real bucket, as the agent wires it, for integration tests:
 * S3 adapter, ledger in a state directory, replicator, reconciler, retention keeper, restore side.
 * {@link #reopenLedger} simulates a restart (or a lost ledger after deleting its file).
 */
public final class ReplicationRig implements AutoCloseable {

    public final LockedBucket bucket;
    public final BucketLayout layout;
    public final RetentionPolicy retention;
    public final Path state;
    public final ShiftableClock clock = new ShiftableClock();
    public final S3ObjectStore s3;
    public final Meters meters = new Meters(new SimpleMeterRegistry());
    private final ExecutorService uploads = Executors.newFixedThreadPool(4);
    private Ledger ledger;
    private RepositoryPass pass;

    private final ObjectStore store;

    public ReplicationRig(LockedBucket bucket, Path state, String prefix, RetentionPolicy retention) {
        this(bucket, state, prefix, retention, bucket.server().endpoint());
    }

    /**
     * A rig whose store talks to {@code endpoint} (e.g. a {@link FaultProxy} in front of the server) through the
     * same Resilience4j decorator the agent uses (short backoff for tests).
     */
    public ReplicationRig(LockedBucket bucket, Path state, String prefix, RetentionPolicy retention, java.net.URI endpoint) {
        this.bucket = bucket;
        this.state = state;
        this.layout = new BucketLayout(prefix);
        this.retention = retention;
        this.s3 = S3Stores.create(S3StoreConfig.builder(bucket.name()).endpoint(endpoint)
                .region(bucket.server().region().id()).pathStyle(true).partSize(5L << 20).multipartThreshold(5L << 20)
                .conditionalWrites(S3StoreConfig.ConditionalWrites.OFF).meterRegistry(meters.registry()).build(), clock);
        this.store = endpoint.equals(bucket.server().endpoint()) ? s3 : new io.segvault.core.store.ResilientObjectStore(s3,
                io.segvault.core.store.ResilienceConfig.DEFAULTS.withRetry(6, java.time.Duration.ofMillis(100),
                        java.time.Duration.ofSeconds(2)), meters.registry());
        reopenLedger();
    }

    /** Closes and reopens the ledger (and everything built on it), as a restarted agent would. */
    public void reopenLedger() {
        if (ledger != null) {
            ledger.close();
        }
        ledger = Ledger.open(state);
        TamperDetector detector = new TamperDetector(ledger.segmentCatalog(), clock, 0.5, TestHashes.create());
        pass = assembly().pass(detector, uploads, state.resolve("scratch"));
    }

    public RetentionKeeper keeper() {
        return assembly().keeper();
    }

    private PassAssembly assembly() {
        return new PassAssembly(store, ledger, layout, retention, meters, clock, 100);
    }

    public Ledger ledger() {
        return ledger;
    }

    public RepositoryPass pass() {
        return pass;
    }

    public ObjectStore store() {
        return store;
    }

    public PointCatalog catalog() {
        return new PointCatalog(store, layout);
    }

    public Restorer restorer() {
        return new Restorer(catalog(), new Restorer.Options(4, 8L << 20), clock, Threads.POOLS);
    }

    /** Data PUTs so far: single PUTs plus multipart uploads started. */
    public long writes() {
        return s3.requestCount("PutObject") + s3.requestCount("CreateMultipartUpload");
    }

    @Override
    public void close() {
        uploads.shutdownNow();
        ledger.close();
        s3.close();
    }
}
