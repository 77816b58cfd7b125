package io.segvault.scale;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.segvault.core.borg.TamperDetector;
import io.segvault.core.borg.TestHashes;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.metrics.Meters;
import io.segvault.core.replicate.SyncResult;
import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.PointRef;
import io.segvault.core.restore.RestoreProgress;
import io.segvault.core.restore.Restorer;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.store.file.FileObjectStore;
import io.segvault.core.util.Threads;
import io.segvault.test.PassAssembly;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * One step of the scale test, run in its own JVM (as {@code segvault sync} and {@code restore} are) with the launcher's
 * heap: {@code sync <repo> <bucket-dir> <state-dir>} runs one repository pass through the same classes the agent wires,
 * {@code restore <bucket-dir> <target>} restores the newest point. The bucket is a {@link FileObjectStore}, so it costs
 * no heap; during a sync the part buffers the S3 store would keep at the defaults are held as ballast because the file
 * store needs none ({@link #PART_BUFFERS}; a restore uploads nothing and its download buffers are real). Prints
 * {@code peak-heap-after-gc=<bytes>} and, with {@code -Dscale.histogram=true}, the class histogram at each new peak.
 */
public final class ScaleRun {

    /**
     * What the S3 store's part buffers hold during this sync at the defaults: every single PUT takes one buffer of
     * {@code upload.partSize} (16 MiB) from the pool, which keeps it, and {@code upload.concurrency} (4) run at once, so
     * 64 MiB. Segments above {@code upload.multipartThreshold} can raise it to {@code upload.maxBufferedParts} (8) x 16
     * MiB = 128 MiB; {@code -Dscale.ballastMiB=128} measures that case.
     */
    static final long PART_BUFFERS = Long.getLong("scale.ballastMiB", 64) << 20;
    static final String REPO = "scale";

    private static final AtomicLong PEAK = new AtomicLong();
    private static final AtomicLong PEAK_MAJOR = new AtomicLong();
    private static final java.util.Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP).map(java.lang.management.MemoryPoolMXBean::getName)
            .collect(java.util.stream.Collectors.toSet());
    private static volatile long histogramAt;

    private ScaleRun() {
    }

    public static void main(String[] args) throws Exception {
        watchHeap();
        // a restore uploads nothing: its download buffers are the real ones (RangedDownloader), no ballast
        byte[][] ballast = new byte["sync".equals(args[0]) ? (int) (PART_BUFFERS >> 24) : 0][];
        for (int i = 0; i < ballast.length; i++) {
            ballast[i] = new byte[1 << 24];
        }
        long t0 = System.nanoTime();
        Clock clock = Clock.systemUTC();
        String what;
        switch (args[0]) {
            case "sync" -> what = sync(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), clock);
            case "restore" -> what = restore(Path.of(args[1]), Path.of(args[2]), clock);
            default -> throw new IllegalArgumentException("unknown step " + args[0]);
        }
        System.gc();
        System.out.println(what);
        System.out.println("seconds=" + Duration.ofNanos(System.nanoTime() - t0).toMillis() / 1000.0);
        System.out.println("ballast=" + ballast.length * (long) (1 << 24));
        System.out.println("peak-heap-after-gc=" + PEAK.get());
        System.out.println("peak-heap-after-full-gc=" + PEAK_MAJOR.get());
    }

    private static String sync(Path repo, Path bucket, Path state, Clock clock) {
        ExecutorService uploads = Threads.POOLS.bounded("segvault-upload", 4, 16); // as the agent wires it (Wiring)
        try (FileObjectStore store = new FileObjectStore("scale-bucket", bucket, clock); Ledger ledger = Ledger.open(state)) {
            TamperDetector detector = new TamperDetector(ledger.segmentCatalog(), clock, 0.5, TestHashes.create());
            PassAssembly assembly = new PassAssembly(store, ledger, new BucketLayout(""),
                    new RetentionPolicy(Duration.ofDays(30), Duration.ofDays(7)), new Meters(new SimpleMeterRegistry()), clock,
                    0);
            SyncResult r = assembly.pass(detector, uploads, state.resolve("scratch")).run(REPO, repo);
            return "sync transaction=" + r.transaction() + " point=" + r.pointWritten() + " uploaded=" + r.objectsUploaded();
        } finally {
            uploads.shutdownNow();
        }
    }

    private static String restore(Path bucket, Path target, Clock clock) {
        try (FileObjectStore store = new FileObjectStore("scale-bucket", bucket, clock)) {
            PointCatalog catalog = new PointCatalog(store, new BucketLayout(""));
            PointRef ref = catalog.select(REPO, "latest", null, clock.instant());
            Restorer.Result r = new Restorer(catalog, new Restorer.Options(4, 8L << 20), clock, Threads.POOLS)
                    .restore(ref, target, RestoreProgress.NONE);
            return "restore transaction=" + r.transaction() + " segments=" + r.segments();
        }
    }

    /** Records the heap in use after every collection; prints a class histogram at each new peak 8 MiB above the last. */
    private static void watchHeap() {
        boolean histograms = Boolean.getBoolean("scale.histogram");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream().filter(e -> HEAP_POOLS.contains(e.getKey()))
                        .mapToLong(e -> e.getValue().getUsed()).sum();
                if (info.getGcAction().contains("major")) {
                    PEAK_MAJOR.accumulateAndGet(used, Math::max);
                }
                if (used > PEAK.getAndAccumulate(used, Math::max) && histograms && used > histogramAt + (8 << 20)) {
                    histogramAt = used;
                    System.out.println("== histogram at " + (used >> 20) + " MiB after GC ("
                            + info.getGcAction() + ")\n" + histogram());
                }
            }, null, null);
        }
    }

    private static String histogram() {
        try {
            String all = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return String.join("\n", all.lines().limit(22).toList());
        } catch (Exception e) {
            return "no histogram: " + e;
        }
    }
}
