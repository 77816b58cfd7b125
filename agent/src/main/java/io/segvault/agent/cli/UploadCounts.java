package io.segvault.agent.cli;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.segvault.core.metrics.Meters;

/**
 * Upload progress of one repository's pass, read from the meters the replicator keeps anyway (so the replication
 * code needs no hook): bytes and objects uploaded, and, once the snapshot has been inspected, the bytes and segments
 * that were pending. Counts are per object: a large segment adds its bytes when its upload has been verified. The
 * bytes include the small control files, which the pending total leaves out.
 */
public final class UploadCounts implements Progress.Counts {

    private final MeterRegistry registry;
    private final String repo;
    private final double bytesBefore;
    private final double objectsBefore;
    /** The pending totals once known: kept when the gauges drop back to 0 at the end of the pass. */
    private final java.util.Map<String, Long> totals = new java.util.concurrent.ConcurrentHashMap<>();

    /** Counts from now on ({@code registry} may already hold a previous repository's or pass's uploads). */
    public UploadCounts(MeterRegistry registry, String repo) {
        this.registry = registry;
        this.repo = repo;
        this.bytesBefore = counted(Meters.UPLOAD_BYTES);
        this.objectsBefore = counted(Meters.UPLOAD_OBJECTS);
    }

    /** Uploads with outcome ok; objects only of kind segment, to compare with the pending segments. */
    private double counted(String name) {
        var search = registry.find(name).tag("repo", repo).tag("outcome", "ok");
        if (name.equals(Meters.UPLOAD_OBJECTS)) {
            search = search.tag("kind", "segment");
        }
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }

    private long total(String name) {
        Gauge g = registry.find(name).tag("repo", repo).gauge();
        double v = g == null ? 0 : g.value();
        if (v > 0) {
            totals.put(name, (long) v);
        }
        return totals.getOrDefault(name, -1L);
    }

    @Override
    public long bytes() {
        return (long) (counted(Meters.UPLOAD_BYTES) - bytesBefore);
    }

    @Override
    public long objects() {
        return (long) (counted(Meters.UPLOAD_OBJECTS) - objectsBefore);
    }

    @Override
    public long totalBytes() {
        return total(Meters.PENDING_BYTES);
    }

    @Override
    public long totalObjects() {
        return total(Meters.PENDING_SEGMENTS);
    }
}
