package io.segvault.core.store.s3;

import io.segvault.core.store.BucketMisconfiguredException;
import io.segvault.core.store.BucketStatus;
import io.segvault.core.store.IntegrityException;
import io.segvault.core.store.LockMode;
import io.segvault.core.store.ForeignObjectException;
import io.segvault.core.store.ObjectConflictException;
import io.segvault.core.store.StoreAccessDeniedException;
import io.segvault.core.store.ObjectDeleter;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.ObjectVersion;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.Retention;
import io.segvault.core.store.StoredObject;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link ObjectStore} on an S3 bucket with Object Lock (AWS S3, Ceph RGW and other compatible servers),
 * built on the AWS SDK for Java v2. See docs/storage.md for checksum strategies, conditional-write
 * detection, verify-after-write and error mapping.
 *
 * <p>Put-once: HEAD the key first (same SHA-256: return that version, different: conflict), then write
 * with {@code If-None-Match: *} where the endpoint honours it, then HEAD the new version and check size,
 * SHA-256 and lock, setting the lock with PutObjectRetention where the server ignored it (Ceph does on
 * multipart uploads). Every HTTP request is counted by operation and outcome ({@link #requestCount}).
 */
public final class S3ObjectStore implements ObjectStore, ObjectDeleter {

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);

    private final S3StoreConfig config;
    private final Clock clock;
    private final S3Client s3;
    private final S3RequestMetrics metrics;
    private final ExecutorService executor;
    private final ObjectWriter writer;
    private final S3BucketOperations bucketOps;
    private volatile Boolean conditionalWrites;

    private S3ObjectStore(S3StoreConfig config, Clock clock, List<ExecutionInterceptor> interceptors, ExecutorService parts) {
        this.config = config;
        this.clock = clock;
        this.metrics = new S3RequestMetrics(config.meterRegistry());
        this.s3 = S3Clients.build(config, metrics, interceptors);
        this.executor = parts;
        this.writer = new ObjectWriter(s3, config, new PartBufferPool((int) config.partSize(), config.maxBufferedParts()),
                executor);
        this.bucketOps = new S3BucketOperations(s3, config.bucket());
        this.conditionalWrites = switch (config.conditionalWrites()) {
            case ON -> Boolean.TRUE;
            case OFF -> Boolean.FALSE;
            case AUTO -> config.awsEndpoint() ? Boolean.TRUE : null;
        };
    }

    /**
     * A store for {@code config}, credentials from the AWS default provider chain, retention dates (conditional-write
     * probe) from {@code clock}; multipart parts are sent on {@code parts}, which the store shuts down when it is closed.
     */
    public static S3ObjectStore create(S3StoreConfig config, Clock clock, ExecutorService parts) {
        return new S3ObjectStore(config, clock, List.of(), parts);
    }

    /** For tests: extra SDK interceptors that see every request. */
    static S3ObjectStore create(S3StoreConfig config, Clock clock, List<ExecutionInterceptor> interceptors, ExecutorService parts) {
        return new S3ObjectStore(config, clock, interceptors, parts);
    }

    @Override
    public String bucket() {
        return config.bucket();
    }

    /** HTTP requests sent for {@code operation} (S3 API name such as PutObject, UploadPart, HeadObject). */
    public long requestCount(String operation) {
        return metrics.count(operation);
    }

    /** Bytes of occupied keys read back so far to prove their content (0 in the steady state). */
    public long readBackBytes() {
        return metrics.readBackBytes();
    }

    /** Whether writes carry {@code If-None-Match: *}: configured, or detected once on first use. */
    public boolean conditionalWrites() {
        Boolean known = conditionalWrites;
        if (known == null) {
            synchronized (this) {
                if (conditionalWrites == null) {
                    conditionalWrites = ConditionalWriteProbe.probe(this, writer, config, clock);
                }
                known = conditionalWrites;
            }
        }
        return known;
    }

    @Override
    public StoredObject putOnce(PutRequest request) {
        Optional<StoredObject> existing = request.listedAbsent() ? Optional.empty() : head(request.key());
        if (existing.isPresent()) {
            return settleExisting(request, existing.get(), null);
        }
        String versionId;
        try {
            versionId = writer.write(request, conditionalWrites());
        } catch (ObjectConflictException lostRace) {
            StoredObject winner = head(request.key()).orElseThrow(() -> lostRace);
            return settleExisting(request, winner, lostRace);
        }
        if (versionId == null) {
            throw new BucketMisconfiguredException(request.key(), "bucket " + bucket() + " returned no version id for "
                    + request.key() + ": versioning is not enabled", null);
        }
        return verify(request, versionId);
    }

    /**
     * The key already has a version: it counts as written only when its bytes, read back and hashed here, are the ones
     * asked for (its metadata is a claim anyone with write access can make) and it can be locked as asked.
     */
    private StoredObject settleExisting(PutRequest request, StoredObject existing, Exception cause) {
        String key = request.key();
        if (existing.size() != request.source().size()) {
            throw foreign(request, existing, existing.size() + " bytes, not " + request.source().size(), cause);
        }
        String actual = Hashes.sha256Hex(() -> get(key, existing.versionId(), 0, -1), key + " version " + existing.versionId());
        metrics.countReadBack(existing.size());
        if (!request.sha256().equals(actual)) {
            throw foreign(request, existing, "bytes hashing to " + actual + (request.sha256().equals(existing.sha256())
                    ? " under metadata that claims the expected sha256" : ""), cause);
        }
        try {
            return lockAsAsked(request, head(key, existing.versionId()));
        } catch (IntegrityException | StoreAccessDeniedException e) {
            throw foreign(request, existing, "the expected bytes, but a lock that cannot be set as asked (" + e.getMessage()
                    + ")", e);
        }
    }

    private ForeignObjectException foreign(PutRequest request, StoredObject existing, String what, Exception cause) {
        return new ForeignObjectException(request.key(), existing.versionId(), "key " + request.key() + " in bucket " + bucket()
                + " is occupied by version " + existing.versionId() + " with " + what + "; segvault did not write it (asked to "
                + "write sha256 " + request.sha256() + "); nothing was overwritten", cause);
    }

    /** Reads the version back: size and SHA-256 must match, the lock must be at least as asked (set it if not). */
    private StoredObject verify(PutRequest request, String versionId) {
        StoredObject written = head(request.key(), versionId);
        if (written.size() != request.source().size() || !request.sha256().equals(written.sha256())) {
            throw new IntegrityException(request.key(), "version " + versionId + " of " + request.key() + " reads back as "
                    + written.size() + " bytes with sha256 " + written.sha256() + ", but " + request.source().size()
                    + " bytes with sha256 " + request.sha256() + " were written", null);
        }
        return lockAsAsked(request, written);
    }

    private StoredObject lockAsAsked(PutRequest request, StoredObject written) {
        String versionId = written.versionId();
        if (written.lockedAsAsked(request.retention())) {
            return written;
        }
        LOG.info("version {} of {} is locked {} until {}, asked {} until {}: setting the retention", versionId,
                request.key(), written.lockMode(), written.retainUntil(), request.retention().mode(),
                request.retention().retainUntil());
        putRetention(request.key(), versionId, request.retention());
        StoredObject locked = head(request.key(), versionId);
        if (!locked.lockedAsAsked(request.retention())) {
            throw new IntegrityException(request.key(), "version " + versionId + " of " + request.key() + " is locked "
                    + locked.lockMode() + " until " + locked.retainUntil() + " even after PutObjectRetention asked for "
                    + request.retention().mode() + " until " + request.retention().retainUntil(), null);
        }
        return locked;
    }

    @Override
    public Optional<StoredObject> head(String key) {
        try {
            return Optional.of(toStored(key, s3.headObject(b -> b.bucket(bucket()).key(key))));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
                return Optional.empty(); // no key, or its current version is a delete marker
            }
            throw S3Errors.map(bucket(), key, "HeadObject", e);
        } catch (RuntimeException e) {
            throw S3Errors.map(bucket(), key, "HeadObject", e);
        }
    }

    @Override
    public StoredObject head(String key, String versionId) {
        return call(key, "HeadObject version " + versionId,
                () -> toStored(key, s3.headObject(b -> b.bucket(bucket()).key(key).versionId(versionId))));
    }

    @Override
    public InputStream get(String key, String versionId, long offset, long length) {
        return new S3Reads(s3, bucket()).get(key, versionId, offset, length);
    }

    @Override
    public List<ObjectVersion> listVersions(String prefix) {
        return call(null, "ListObjectVersions prefix " + prefix, () -> new S3Reads(s3, bucket()).listVersions(prefix));
    }

    @Override
    public StoredObject extendRetention(String key, String versionId, Instant retainUntil) {
        StoredObject current = head(key, versionId);
        Retention asked = Retention.compliance(retainUntil);
        if (current.retainUntil() != null && !current.retainUntil().isBefore(asked.retainUntil())) {
            return current;
        }
        putRetention(key, versionId, asked);
        return head(key, versionId);
    }

    private void putRetention(String key, String versionId, Retention retention) {
        ObjectLockRetentionMode mode = retention.mode() == LockMode.GOVERNANCE
                ? ObjectLockRetentionMode.GOVERNANCE : ObjectLockRetentionMode.COMPLIANCE;
        call(key, "PutObjectRetention version " + versionId, () -> s3.putObjectRetention(b -> b.bucket(bucket())
                .key(key).versionId(versionId).retention(r -> r.mode(mode).retainUntilDate(retention.retainUntil()))));
    }

    @Override
    public BucketStatus preflight() {
        return bucketOps.preflight();
    }

    @Override
    public int abortStaleUploads(String prefix, Instant initiatedBefore) {
        return bucketOps.abortStaleUploads(prefix, initiatedBefore);
    }

    @Override
    public void deleteVersion(String key, String versionId) {
        call(key, "DeleteObject version " + versionId,
                () -> s3.deleteObject(b -> b.bucket(bucket()).key(key).versionId(versionId)));
    }

    @Override
    public void close() {
        executor.shutdownNow();
        s3.close();
    }

    private <T> T call(String key, String operation, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw S3Errors.map(bucket(), key, operation, e);
        }
    }

    static boolean isNoSuchBucket(S3Exception e) {
        return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
    }

    private static StoredObject toStored(String key, HeadObjectResponse head) {
        LockMode mode = head.objectLockMode() == null ? LockMode.NONE : switch (head.objectLockMode()) {
            case COMPLIANCE -> LockMode.COMPLIANCE;
            case GOVERNANCE -> LockMode.GOVERNANCE;
            default -> LockMode.NONE;
        };
        return new StoredObject(key, head.versionId(), head.contentLength(),
                head.metadata().get(ObjectWriter.SHA256_METADATA), mode, head.objectLockRetainUntilDate(),
                head.lastModified());
    }
}
