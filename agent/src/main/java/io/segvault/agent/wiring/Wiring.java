package io.segvault.agent.wiring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvault.agent.cli.ErrorHandler.UsageException;
import io.segvault.agent.cli.StoreOptions;
import io.segvault.core.witness.WitnessConfig;
import io.segvault.core.borg.SegmentHashes;
import io.segvault.core.borg.SegmentSpool;
import io.segvault.core.borg.TamperDetector;
import io.segvault.core.config.AgentConfig;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.metrics.Meters;
import io.segvault.core.metrics.RepoMetrics;
import io.segvault.core.remote.SftpRepositories;
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
import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.Restorer;
import io.segvault.core.store.BucketInspector;
import io.segvault.core.store.ObjectDeleter;
import io.segvault.core.store.ObjectReader;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.OnceWriter;
import io.segvault.core.store.ResilienceConfig;
import io.segvault.core.store.ResilientObjectStore;
import io.segvault.core.store.s3.S3LockProver;
import io.segvault.core.store.s3.S3ObjectStore;
import io.segvault.core.store.s3.S3StoreConfig;
import io.segvault.core.util.ThreadPools;
import io.segvault.core.util.Threads;
import io.segvault.core.util.Throttle;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Builds every object of a command or the daemon, in one place, by constructor injection, thread pools included (all
 * from {@link Threads}). Each caller gets the role of the store it needs: a reader for restore, verify, points and the
 * drill, the deleter only for gc. Closing it closes the store, the ledger and every pool it made.
 */
public final class Wiring implements AutoCloseable {

    private final AgentConfig config;
    private final S3ObjectStore raw;
    private final S3StoreConfig s3Settings;
    private final ObjectStore store;
    private final BucketLayout layout;
    private final Meters meters;
    private final RepoMetrics repoMetrics;
    private final Clock clock;
    private Ledger ledger;
    private ExecutorService uploads;
    private Replicator replicator;
    private TamperDetector detector;
    private SegmentHashes hashes;
    private final List<ExecutorService> pools = new ArrayList<>();

    private Wiring(AgentConfig config, S3StoreConfig s3, String prefix, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.meters = new Meters(registry);
        this.repoMetrics = new RepoMetrics(meters);
        this.layout = new BucketLayout(prefix);
        // AWS honours If-None-Match: * (and terraform/modules/bucket's policy denies writes without it, also when the
        // endpoint is an explicit *.amazonaws.com host); on other endpoints put-once relies on its HEAD and the
        // one-agent-per-state lock, so no probe object is ever written there (Ceph 16 ignores the header and would keep
        // a locked probe version)
        S3StoreConfig.ConditionalWrites conditional = s3.awsEndpoint() ? S3StoreConfig.ConditionalWrites.ON
                : S3StoreConfig.ConditionalWrites.OFF;
        this.s3Settings = s3.toBuilder().conditionalWrites(conditional).build();
        this.raw = S3ObjectStore.create(s3Settings, clock, Threads.POOLS.cached("segvault-s3-part"));
        this.store = new ResilientObjectStore(raw, ResilienceConfig.DEFAULTS, registry);
    }

    /** The full agent, from a validated config file. */
    public static Wiring forConfig(AgentConfig config, MeterRegistry registry, Clock clock) {
        Ledger.preloadDriver(Threads.POOLS, config.state()); // while the S3 client is built and the bucket checked
        return new Wiring(config, StoreSettings.ofAgent(config, registry), config.store().prefix(), registry, clock);
    }

    /** Read-side commands: a config file, flags, or both (flags win). */
    public static Wiring forStore(StoreOptions o, Clock clock) {
        MeterRegistry registry = new SimpleMeterRegistry();
        StoreSettings.FromOptions f = StoreSettings.ofOptions(o, registry);
        return new Wiring(f.config(), f.s3(), f.prefix(), registry, clock);
    }

    /** The witness: its own bucket settings and identity, never the agent's configuration. */
    public static Wiring forWitness(WitnessConfig c, MeterRegistry registry, Clock clock) {
        return new Wiring(null, StoreSettings.ofWitness(c, registry), c.prefix(), registry, clock);
    }

    /** The config file's settings, or null for a command run from flags alone. */
    AgentConfig configOrNull() {
        return config;
    }

    public AgentConfig config() {
        if (config == null) {
            throw new UsageException("this command needs --config FILE");
        }
        return config;
    }

    /** The read-only role: all that restore, verify, points and the drill get. */
    public ObjectReader reader() {
        return store;
    }

    /** Put-once writes and the cleanup of the writer's own stale multipart uploads. */
    public OnceWriter writer() {
        return store;
    }

    /** The bucket's own settings (preflight, the lock canary's messages). */
    public BucketInspector inspector() {
        return store;
    }

    /** Deletes single versions: gc only (with the witness host's delete credential). */
    public ObjectDeleter deleter() {
        return raw;
    }

    /** The S3 adapter itself (tests of the wiring). */
    S3ObjectStore s3() {
        return raw;
    }

    /** Where parts that start threads of their own (followers, restores, progress tickers) get them. */
    public ThreadPools pools() {
        return Threads.POOLS;
    }

    /** The daemon's pool of passes (2 to 4 threads). */
    public synchronized ExecutorService passPool(int threads) {
        return owned(Threads.POOLS.fixed("segvault-pass", threads));
    }

    /** The daemon's one timer thread (lock extension, stale uploads, drill, audit). */
    public synchronized ScheduledExecutorService timerPool() {
        return owned(Threads.POOLS.scheduled("segvault-timer", 1));
    }

    /** The HTTP endpoint's two threads. */
    public synchronized ExecutorService httpPool() {
        return owned(Threads.POOLS.fixed("segvault-http", 2));
    }

    private <T extends ExecutorService> T owned(T pool) {
        pools.add(pool);
        return pool;
    }

    /** The lock canary of prove-lock, on this store's bucket (the caller closes it). */
    public S3LockProver lockProver() {
        return S3LockProver.create(s3Settings, clock);
    }

    public BucketLayout layout() {
        return layout;
    }

    public Meters meters() {
        return meters;
    }

    public RepoMetrics repoMetrics() {
        return repoMetrics;
    }

    public Clock clock() {
        return clock;
    }

    public synchronized Ledger ledger() {
        if (ledger == null) {
            ledger = Ledger.open(config().state());
        }
        return ledger;
    }

    public PointCatalog catalog() {
        return new PointCatalog(store, layout);
    }

    /**
     * A restorer with {@code parallelism} downloads at once. The system property {@code segvault.restore.fsync=false}
     * turns off the fsync of restored files and directories: only for measuring what fsync costs (bench/restore-fsync.sh).
     */
    public Restorer restorer(int parallelism) {
        boolean fsync = !"false".equals(System.getProperty("segvault.restore.fsync"));
        return new Restorer(catalog(), new Restorer.Options(parallelism, Restorer.Options.defaults().rangeSize(), fsync), clock,
                Threads.POOLS);
    }

    public Reconciler reconciler() {
        return new Reconciler(store, ledger(), layout);
    }

    public RetentionKeeper retentionKeeper() {
        return new RetentionKeeper(store, ledger(), config().retention(), repoMetrics, clock, new Throttle(50));
    }

    /**
     * Where hashes started ahead wait for the tamper detector; needs no ledger. In pull mode it opens the spool (which
     * deletes the copies a stopped agent left): only a command holding the state lock may call this.
     */
    public synchronized SegmentHashes segmentHashes() {
        if (hashes == null) {
            AgentConfig.Ssh ssh = config().ssh();
            hashes = new SegmentHashes(config().pullMode()
                    ? SegmentSpool.open(ssh.spoolDir(), ssh.spoolSize(), SftpRepositories.SPOOL_READER) : SegmentSpool.NONE,
                    owned(Threads.POOLS.fixed("segvault-hash", SegmentHashes.PARALLEL)));
        }
        return hashes;
    }

    /** Whether the state directory already holds a ledger (opening one creates it). */
    public boolean ledgerExists() {
        return Files.exists(config().state().resolve(Ledger.FILE_NAME));
    }

    private synchronized TamperDetector detector() {
        if (detector == null) {
            detector = new TamperDetector(ledger().segmentCatalog(), clock, config().massFraction(), segmentHashes());
        }
        return detector;
    }

    public synchronized Replicator replicator() {
        if (replicator != null) {
            return replicator;
        }
        AgentConfig c = config();
        if (uploads == null) {
            // a pass queues an upload per hashed segment: a bounded queue keeps that to a few per thread, not one per
            // segment of the repository
            uploads = Threads.POOLS.bounded("segvault-upload", c.upload().concurrency(), 4 * c.upload().concurrency());
        }
        Ledger l = ledger();
        TamperLog tamper = new TamperLog(l, repoMetrics, clock);
        LockedWriter writer = new LockedWriter(store, l, layout, c.retention(), tamper, clock);
        OffsiteIndex offsite = new OffsiteIndex(l, repoMetrics, c.upload().offsiteCacheEntries());
        UploadQueue queue = new UploadQueue(writer, offsite, layout, uploads, new Throttle(c.upload().maxBandwidth()), repoMetrics);
        PointWriter points = new PointWriter(writer, store, l, layout, offsite, tamper, repoMetrics, clock);
        replicator = new Replicator(new IdentityGuard(writer, store, l, layout, clock), detector(), queue, points, tamper,
                repoMetrics, new Replicator.Settings(c.state().resolve("scratch"), c.upload().maxIndexSize()));
        return replicator;
    }

    /** One repository's pass, as {@code sync} and the daemon run it. */
    public RepositoryPass repositoryPass() {
        return new RepositoryPass(reconciler(), new NothingNewCheck(ledger().segmentCatalog(), repoMetrics), replicator(),
                retentionKeeper(), ledger(), repoMetrics, clock);
    }

    /** Interrupts the running uploads (each aborts its multipart upload); no upload starts after this. */
    public synchronized void stopUploads() {
        if (uploads != null) {
            uploads.shutdownNow();
        }
    }

    @Override
    public synchronized void close() {
        if (uploads != null) {
            uploads.shutdownNow();
            try {
                uploads.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pools.forEach(ExecutorService::shutdownNow);
        store.close();
        if (ledger != null) {
            ledger.close();
        }
    }
}
