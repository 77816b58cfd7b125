package io.segvault.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvault.agent.cli.ErrorHandler.UsageException;
import io.segvault.agent.cli.StoreOptions;
import io.segvault.agent.cli.TrustOptions;
import io.segvault.core.witness.Attestations;
import io.segvault.core.witness.TrustedPoints;
import io.segvault.core.witness.WitnessKey;
import io.segvault.core.witness.WitnessLayout;
import io.segvault.core.witness.WitnessConfig;
import io.segvault.core.borg.SegmentHashes;
import io.segvault.core.borg.SegmentSpool;
import io.segvault.core.borg.TamperDetector;
import io.segvault.core.config.AgentConfig;
import io.segvault.core.config.AgentConfigLoader;
import io.segvault.core.config.PlainHttp;
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
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.ResilienceConfig;
import io.segvault.core.store.ResilientObjectStore;
import io.segvault.core.store.s3.S3LockProver;
import io.segvault.core.store.s3.S3ObjectStore;
import io.segvault.core.store.s3.S3StoreConfig;
import io.segvault.core.util.Throttle;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds every object of a command or the daemon, in one place, by constructor injection. Closing it
 * closes the store, the ledger and the upload pool.
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
        this.raw = S3ObjectStore.create(s3Settings, clock);
        this.store = new ResilientObjectStore(raw, ResilienceConfig.DEFAULTS, registry);
    }

    /** The full agent, from a validated config file. */
    public static Wiring forConfig(AgentConfig config, MeterRegistry registry, Clock clock) {
        Ledger.preloadDriver(); // while the S3 client is built and the bucket checked
        AgentConfig.Store st = config.store();
        S3StoreConfig s3 = s3Config(st.bucket(), st.endpoint(), st.region(), st.pathStyle(), st.checksum(), registry)
                .partSize(config.upload().partSize())
                .partsInFlight(config.upload().partsInFlight())
                .multipartThreshold(config.upload().multipartThreshold())
                .build();
        return new Wiring(config, s3, st.prefix(), registry, clock);
    }

    /** Read-side commands: a config file, flags, or both (flags win). */
    public static Wiring forStore(StoreOptions o, Clock clock) {
        AgentConfig cfg = o.config == null ? null : AgentConfigLoader.load(o.config);
        AgentConfig.Store st = cfg == null ? new AgentConfig.Store(null, null, "us-east-1", false, "", "auto", false) : cfg.store();
        String bucket = pick(o.bucket, st.bucket());
        if (bucket == null || bucket.isBlank()) {
            throw new UsageException("no bucket: give --bucket (and --endpoint, --region, --prefix as needed) or --config FILE");
        }
        URI endpoint = pick(o.endpoint, st.endpoint());
        if (PlainHttp.refused(endpoint) && !o.allowInsecureHttp && !st.allowInsecureHttp()) {
            String remedy = "give " + PlainHttp.FLAG
                    + (cfg == null ? "" : " (or set '" + PlainHttp.CONFIG_KEY + ": true' in " + o.config + ")");
            throw new UsageException((o.endpoint != null ? "--endpoint " : "endpoint ") + PlainHttp.message(endpoint, remedy));
        }
        boolean pathStyle = o.pathStyle != null ? o.pathStyle : cfg == null ? endpoint != null : st.pathStyle();
        String prefix = pick(o.prefix, st.prefix());
        try {
            new BucketLayout(prefix);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--prefix: " + e.getMessage());
        }
        MeterRegistry registry = new SimpleMeterRegistry();
        S3StoreConfig s3 = s3Config(bucket, endpoint, pick(o.region, st.region()), pathStyle, st.checksum(), registry).build();
        return new Wiring(cfg, s3, prefix, registry, clock);
    }

    /** The witness: its own bucket settings and identity, never the agent's configuration. */
    public static Wiring forWitness(WitnessConfig c, MeterRegistry registry, Clock clock) {
        S3StoreConfig s3 = s3Config(c.bucket(), c.endpoint(), c.region(), c.pathStyle(), "auto", registry).build();
        return new Wiring(null, s3, c.prefix(), registry, clock);
    }

    private static <T> T pick(T flag, T configured) {
        return flag != null ? flag : configured;
    }

    private static S3StoreConfig.Builder s3Config(String bucket, URI endpoint, String region, boolean pathStyle, String checksum,
                                                  MeterRegistry registry) {
        return S3StoreConfig.builder(bucket).endpoint(endpoint).region(region).pathStyle(pathStyle)
                .checksums(S3StoreConfig.ChecksumStrategy.valueOf(checksum.toUpperCase(Locale.ROOT).replace('-', '_')))
                .meterRegistry(registry);
    }

    public AgentConfig config() {
        if (config == null) {
            throw new UsageException("this command needs --config FILE");
        }
        return config;
    }

    public ObjectStore store() {
        return store;
    }

    /** The S3 adapter itself (request counts, gc deletes). */
    public S3ObjectStore s3() {
        return raw;
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
     * Which points to trust: the witness key of {@code --trust} (or the config's {@code trust}) makes only attested points
     * count; without one the consistent chain decides.
     */
    public TrustedPoints trust(TrustOptions o) {
        Path key = o.trust != null ? o.trust : config == null ? null : config.trust();
        if (key == null) {
            return TrustedPoints.chainOnly(catalog());
        }
        return TrustedPoints.witnessed(catalog(), new Attestations(store, new WitnessLayout(layout), WitnessKey.readPublic(key)));
    }

    /**
     * A restorer with {@code parallelism} downloads at once. The system property {@code segvault.restore.fsync=false}
     * turns off the fsync of restored files and directories: only for measuring what fsync costs (bench/restore-fsync.sh).
     */
    public Restorer restorer(int parallelism) {
        boolean fsync = !"false".equals(System.getProperty("segvault.restore.fsync"));
        return new Restorer(catalog(), new Restorer.Options(parallelism, Restorer.Options.defaults().rangeSize(), fsync), clock);
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
                    ? SegmentSpool.open(ssh.spoolDir(), ssh.spoolSize(), SftpRepositories.SPOOL_READER) : SegmentSpool.NONE);
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
            AtomicInteger n = new AtomicInteger();
            uploads = Executors.newFixedThreadPool(c.upload().concurrency(), r -> {
                Thread t = new Thread(r, "segvault-upload-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
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
        store.close();
        if (ledger != null) {
            ledger.close();
        }
    }
}
