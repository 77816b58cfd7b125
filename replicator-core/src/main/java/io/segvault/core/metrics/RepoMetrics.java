package io.segvault.core.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Duration;
import java.time.Instant;

/**
 * The one writer of the replication metrics ({@link Meters} defines the names, docs/metrics.md documents them):
 * every per-repository gauge, the upload, pass, retention and tamper counters. Callers say what happened; this class
 * knows which series and tags that is. Stateless over {@link Meters}; thread-safe.
 */
public final class RepoMetrics {

    private final Meters meters;

    public RepoMetrics(Meters meters) {
        this.meters = meters;
    }

    /** A replication pass of {@code repo} ended: {@code ok} or failed (sets {@code up} too). */
    public void passEnded(String repo, boolean ok) {
        meters.count(Meters.SYNC_RUNS, 1, "repo", repo, "outcome", ok ? "ok" : "error");
        up(repo, ok);
    }

    /** Wall time of one whole pass of {@code repo}, by outcome and whether it uploaded anything. */
    public void passDuration(String repo, Duration d, boolean ok, boolean uploaded) {
        meters.time(Meters.SYNC_DURATION, d, "repo", repo, "outcome", ok ? "ok" : "error", "uploaded", String.valueOf(uploaded));
    }

    /** Whether the last pass of {@code repo} succeeded (and the repository could be read). */
    public void up(String repo, boolean up) {
        meters.gauge(Meters.REPO_UP, up ? 1 : 0, "repo", repo);
    }

    public void committedTransaction(String repo, long t) {
        meters.gauge(Meters.COMMITTED_TXN, t, "repo", repo);
    }

    public void offsiteTransaction(String repo, long t) {
        meters.gauge(Meters.OFFSITE_TXN, t, "repo", repo);
    }

    /** Seconds since the newest restore point of {@code repo} was written. */
    public void offsiteAge(String repo, long seconds) {
        meters.gauge(Meters.OFFSITE_AGE, seconds, "repo", repo);
    }

    /** Seconds the newest commit of {@code repo} has waited for its restore point. */
    public void lag(String repo, long seconds) {
        meters.gauge(Meters.LAG, seconds, "repo", repo);
    }

    /** Committed segments (and their bytes) of {@code repo} not yet offsite. */
    public void pending(String repo, long segments, long bytes) {
        meters.gauge(Meters.PENDING_SEGMENTS, segments, "repo", repo);
        meters.gauge(Meters.PENDING_BYTES, bytes, "repo", repo);
    }

    /** Earliest retain-until among the live objects of {@code repo}. */
    public void earliestRetain(String repo, Instant at) {
        meters.gauge(Meters.EARLIEST_RETAIN, at.getEpochSecond(), "repo", repo);
    }

    /** One verified, locked upload of a {@code kind} (segment, control) object of {@code bytes}, taking {@code took}. */
    public void uploaded(String repo, String kind, long bytes, Duration took) {
        meters.count(Meters.UPLOAD_BYTES, bytes, "repo", repo, "outcome", "ok");
        meters.count(Meters.UPLOAD_OBJECTS, 1, "repo", repo, "kind", kind, "outcome", "ok");
        meters.time(Meters.UPLOAD_DURATION, took, "kind", kind);
    }

    /** A restore point of {@code repo} written (or adopted); its bytes are not counted. */
    public void pointUploaded(String repo) {
        meters.count(Meters.UPLOAD_OBJECTS, 1, "repo", repo, "kind", "point", "outcome", "ok");
    }

    /** An upload of a {@code kind} object failed after the store's retries. */
    public void uploadFailed(String repo, String kind) {
        meters.count(Meters.UPLOAD_OBJECTS, 1, "repo", repo, "kind", kind, "outcome", "error");
    }

    /** An object found already offsite by {@code layer} (cache, ledger). */
    public void skipped(String layer) {
        meters.count(Meters.SKIPPED_OBJECTS, 1, "layer", layer);
    }

    /** One retention extension of a live object. */
    public void retentionExtension(boolean ok) {
        meters.count(Meters.RETENTION_EXTENSIONS, 1, "outcome", ok ? "ok" : "error");
    }

    /** One tamper event of {@code kind} in {@code repo}. */
    public void tamperEvent(String repo, String kind) {
        meters.count(Meters.TAMPER_EVENTS, 1, "repo", repo, "kind", kind);
    }

    /** Binds the statistics of {@code cache} under {@code name} (hits, misses, size). */
    public void monitor(Cache<?, ?> cache, String name) {
        CaffeineCacheMetrics.monitor(meters.registry(), cache, name);
    }
}
