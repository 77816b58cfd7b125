package io.segvault.core.store.s3;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.Retention;
import io.segvault.core.store.StoredObject;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Started by {@link S3HeapIT} in its own JVM with a small heap: uploads the given files at the same time
 * through one {@link S3ObjectStore} with its default settings, and prints the peak heap it saw (sampled
 * every 10 ms, and after every GC) on one line starting with {@code HEAP_PROBE}.
 *
 * <p>Arguments: endpoint region bucket retain-until (ISO instant), then per file: path sha256.
 */
public final class HeapProbe {

    private HeapProbe() {
    }

    public static void main(String[] args) throws Exception {
        AtomicLong peakUsed = new AtomicLong();
        AtomicLong peakAfterGc = new AtomicLong();
        watchGc(peakAfterGc);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();

        S3StoreConfig config = S3StoreConfig.builder(args[2]).endpoint(URI.create(args[0])).region(args[1])
                .conditionalWrites(S3StoreConfig.ConditionalWrites.OFF).build();
        Retention retention = Retention.compliance(Instant.parse(args[3]));
        long started = System.nanoTime();
        List<String> versions = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (S3ObjectStore store = S3Stores.create(config)) {
            List<Future<StoredObject>> puts = new ArrayList<>();
            for (int i = 4; i + 1 < args.length; i += 2) {
                Path file = Path.of(args[i]);
                PutRequest request = new PutRequest("heap/" + file.getFileName(),
                        ObjectSource.ofFile(file, Files.size(file)), args[i + 1], retention);
                puts.add(pool.submit(() -> store.putOnce(request)));
            }
            for (Future<StoredObject> put : puts) {
                versions.add(put.get().versionId());
            }
        } finally {
            pool.shutdownNow();
        }
        sampler.interrupt();
        sampler.join();
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("HEAP_PROBE maxHeap=" + Runtime.getRuntime().maxMemory() + " peakUsed=" + peakUsed.get()
                + " peakAfterGc=" + peakAfterGc.get() + " millis=" + millis + " versions=" + String.join(",", versions));
    }

    private static void watchGc(AtomicLong peakAfterGc) {
        List<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(p -> p.getName()).toList();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    long after = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(e -> heapPools.contains(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
                    peakAfterGc.accumulateAndGet(after, Math::max);
                }
            }, null, null);
        }
    }
}
