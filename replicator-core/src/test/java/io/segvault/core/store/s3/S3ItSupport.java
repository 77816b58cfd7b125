package io.segvault.core.store.s3;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.core.store.LockMode;
import io.segvault.core.store.ObjectNotFoundException;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.Retention;
import io.segvault.core.store.StoreAccessDeniedException;
import io.segvault.core.store.StoredObject;
import io.segvault.test.LockedBucket;
import io.segvault.test.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.awaitility.Awaitility;
import software.amazon.awssdk.services.s3.model.GetObjectRetentionResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

/** Shared set-up of the S3 integration tests. */
final class S3ItSupport {

    private S3ItSupport() {
    }

    /** Config for the test server's bucket; conditional writes off so no probe object appears in listings. */
    static S3StoreConfig.Builder config(LockedBucket bucket) {
        return S3StoreConfig.builder(bucket.name())
                .endpoint(bucket.server().endpoint())
                .region(bucket.server().region().id())
                .conditionalWrites(S3StoreConfig.ConditionalWrites.OFF);
    }

    static Retention oneDay() {
        return Retention.compliance(Instant.now().plus(1, ChronoUnit.DAYS));
    }

    /** A file of {@code size} pseudo-random bytes as a put request. */
    static PutRequest fileRequest(String key, Path file, long seed, long size, Retention retention) {
        String sha = TestData.writeFile(file, seed, size);
        return new PutRequest(key, ObjectSource.ofFile(file, size), sha, retention);
    }

    /** The lock as a plain SDK client reads it with GetObjectRetention. */
    static Retention retentionOf(LockedBucket bucket, String key, String versionId) {
        GetObjectRetentionResponse r = bucket.s3().getObjectRetention(b -> b.bucket(bucket.name()).key(key)
                .versionId(versionId));
        LockMode mode = r.retention().mode() == ObjectLockRetentionMode.COMPLIANCE ? LockMode.COMPLIANCE
                : LockMode.GOVERNANCE;
        return new Retention(mode, r.retention().retainUntilDate());
    }

    /**
     * Deletes test versions once their short lock has run out, so large tests do not fill the shared test
     * server (its objects are otherwise undeletable for a day). Waits (bounded) for {@code until} to pass,
     * then deletes each version through the store and checks it is gone.
     */
    static void deleteAfterExpiry(S3ObjectStore store, Instant until, List<StoredObject> versions) {
        Awaitility.await("locks of " + versions.size() + " test versions run out")
                .atMost(Duration.between(Instant.now(), until).plusSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .ignoreException(StoreAccessDeniedException.class) // still locked: the server refuses
                .untilAsserted(() -> {
                    for (StoredObject v : versions) {
                        store.deleteVersion(v.key(), v.versionId());
                    }
                });
        for (StoredObject v : versions) {
            assertThatThrownBy(() -> store.head(v.key(), v.versionId())).isInstanceOf(ObjectNotFoundException.class);
        }
    }

    /** Multipart uploads still open in the bucket. */
    static List<MultipartUpload> openUploads(LockedBucket bucket) {
        return bucket.s3().listMultipartUploads(b -> b.bucket(bucket.name())).uploads();
    }
}
