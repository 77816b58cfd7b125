package io.segvault.core.store.s3;

import static io.segvault.core.store.s3.S3ItSupport.config;
import static io.segvault.core.store.s3.S3ItSupport.oneDay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvault.core.store.BucketMisconfiguredException;
import io.segvault.core.store.BucketStatus;
import io.segvault.core.store.LockMode;
import io.segvault.core.store.ObjectConflictException;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.ObjectStoreContract;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.Retention;
import io.segvault.core.store.StoreAccessDeniedException;
import io.segvault.core.store.StoredObject;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import io.segvault.test.S3TestServer;
import io.segvault.test.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

/** The contract and the Object Lock guarantees against the real S3 server (Ceph RGW or LocalStack). */
@ExtendWith(LockedBucketExtension.class)
class S3ObjectStoreIT extends ObjectStoreContract {

    private static final long MIB = 1024 * 1024;
    private S3ObjectStore store;
    private LockedBucket bucket;

    @BeforeEach
    void createStore(LockedBucket lockedBucket) {
        bucket = lockedBucket;
        store = S3Stores.create(config(bucket).partSize(5 * MIB).multipartThreshold(MIB).build());
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Override
    protected Instant now() {
        return Instant.now();
    }

    @Override
    protected int largeObjectSize() {
        return (int) (12 * MIB + 123); // three parts of 5 MiB
    }

    @Override
    protected String squat(String key, byte[] data, String claimed) {
        return bucket.s3().putObject(b -> b.bucket(bucket.name()).key(key).metadata(java.util.Map.of("sha256", claimed))
                        .objectLockMode(software.amazon.awssdk.services.s3.model.ObjectLockMode.COMPLIANCE)
                        .objectLockRetainUntilDate(Instant.now().plusSeconds(120)),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(data)).versionId();
    }

    @Test
    void a_200_mib_multipart_upload_is_locked_byte_identical_undeletable_and_put_once(@TempDir Path dir)
            throws IOException {
        try (S3ObjectStore big = S3Stores.create(config(bucket).meterRegistry(new SimpleMeterRegistry()).build())) {
            Path file = dir.resolve("segment");
            // a short lock, so the 200 MiB can be deleted at the end and the shared test server does not fill up
            Retention asked = Retention.compliance(Instant.now().plusSeconds(30));
            PutRequest request = S3ItSupport.fileRequest("segments/0000000001/big", file, 42, 200 * MIB, asked);

            StoredObject put = big.putOnce(request);

            assertThat(big.requestCount("UploadPart")).as("16 MiB parts").isEqualTo(13);
            assertThat(big.requestCount("PutObject")).isZero();
            assertLockedAndReadable(big, request, put, asked);
            assertRangesMatchFile(big, put, file);
            assertPutOnce(big, request, put);
            assertThat(S3ItSupport.openUploads(bucket)).isEmpty();
            S3ItSupport.deleteAfterExpiry(big, asked.retainUntil(), List.of(put));
        }
    }

    @Test
    void a_1_kib_single_put_is_locked_byte_identical_undeletable_and_put_once() {
        byte[] data = TestData.bytes(77, 1024);
        Retention asked = oneDay();
        PutRequest request = request("control/0000000001/config", data, asked);

        StoredObject put = store.putOnce(request);

        assertThat(store.requestCount("PutObject")).isEqualTo(1);
        assertThat(store.requestCount("UploadPart")).isZero();
        assertLockedAndReadable(store, request, put, asked);
        assertThat(read(store.get(request.key(), put.versionId(), 1000, 24))).isEqualTo(Arrays.copyOfRange(data, 1000, 1024));
        assertPutOnce(store, request, put);
    }

    private void assertLockedAndReadable(S3ObjectStore s, PutRequest request, StoredObject put, Retention asked) {
        assertThat(S3ItSupport.retentionOf(bucket, request.key(), put.versionId()))
                .as("get-object-retention through a plain client").isEqualTo(asked);
        assertThat(put.lockMode()).isEqualTo(LockMode.COMPLIANCE);
        assertThat(TestData.sha256(s.get(request.key(), put.versionId(), 0, -1))).isEqualTo(request.sha256());
        assertThatThrownBy(() -> s.deleteVersion(request.key(), put.versionId()))
                .isInstanceOfSatisfying(StoreAccessDeniedException.class,
                        e -> assertThat(e.key()).isEqualTo(request.key()));
        assertThat(s.head(request.key(), put.versionId()).size()).isEqualTo(request.source().size());
    }

    private void assertPutOnce(S3ObjectStore s, PutRequest request, StoredObject put) {
        long writes = writeRequests(s);
        StoredObject again = s.putOnce(request);
        assertThat(again.versionId()).isEqualTo(put.versionId());
        assertThat(writeRequests(s)).as("no PUT for bytes already there").isEqualTo(writes);

        byte[] other = TestData.bytes(99, 2048);
        assertThatThrownBy(() -> s.putOnce(request(request.key(), other, request.retention())))
                .isInstanceOfSatisfying(ObjectConflictException.class, e -> assertThat(e.key()).isEqualTo(request.key()));
        assertThat(writeRequests(s)).as("no PUT for a conflicting write").isEqualTo(writes);
        assertThat(s.listVersions(request.key())).hasSize(1);
    }

    private static long writeRequests(S3ObjectStore s) {
        return s.requestCount("PutObject") + s.requestCount("UploadPart") + s.requestCount("CreateMultipartUpload")
                + s.requestCount("CompleteMultipartUpload");
    }

    private static void assertRangesMatchFile(S3ObjectStore s, StoredObject put, Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            long[][] ranges = {{0, 100}, {16 * MIB - 7, 14}, {100 * MIB + 5, 3 * MIB}, {200 * MIB - 10, 10}};
            for (long[] r : ranges) {
                ByteBuffer expected = ByteBuffer.allocate((int) r[1]);
                ch.read(expected, r[0]);
                assertThat(read(s.get(put.key(), put.versionId(), r[0], r[1])))
                        .as("bytes %d..+%d", r[0], r[1]).isEqualTo(expected.array());
            }
        }
    }

    @Test
    void multipart_objects_get_the_lock_even_where_the_server_ignores_lock_headers_on_uploads() {
        byte[] data = TestData.bytes(5, (int) (6 * MIB));
        Retention asked = oneDay();
        StoredObject put = store.putOnce(request("mp/locked", data, asked));

        assertThat(S3ItSupport.retentionOf(bucket, "mp/locked", put.versionId())).isEqualTo(asked);
        assertThat(store.requestCount("UploadPart")).isEqualTo(2);
    }

    @Test
    void preflight_passes_with_object_lock_versioning_and_a_compliance_default(LockedBucket configured) {
        configured.s3().putObjectLockConfiguration(b -> b.bucket(configured.name()).objectLockConfiguration(c -> c
                .objectLockEnabled("Enabled")
                .rule(r -> r.defaultRetention(d -> d.mode(ObjectLockRetentionMode.COMPLIANCE).days(30)))));
        try (S3ObjectStore s = S3Stores.create(config(configured).build())) {
            BucketStatus status = s.preflight();
            assertThat(status.problems()).isEmpty();
            assertThat(status.versioning()).isTrue();
            assertThat(status.objectLock()).isTrue();
            assertThat(status.defaultMode()).isEqualTo(LockMode.COMPLIANCE);
            assertThat(status.defaultRetention()).isEqualTo(Duration.ofDays(30));
        }
    }

    @Test
    void preflight_of_a_plain_bucket_names_what_is_missing() {
        S3Client s3 = bucket.s3();
        String plain = S3TestServer.get().createPlainBucket(s3, "S3ObjectStoreIT-plain");
        try (S3ObjectStore s = S3Stores.create(config(bucket).bucket(plain).build())) {
            BucketStatus status = s.preflight();
            assertThat(status.objectLock()).isFalse();
            assertThat(status.problems())
                    .anySatisfy(p -> assertThat(p).contains(plain).contains("does not have Object Lock enabled"))
                    .anySatisfy(p -> assertThat(p).contains(plain).contains("versioning"));
            assertThatThrownBy(() -> s.putOnce(request("x", TestData.bytes(1, 10), oneDay())))
                    .isInstanceOf(BucketMisconfiguredException.class).hasMessageContaining(plain);
        }
    }

    @Test
    void preflight_of_a_missing_bucket_is_a_misconfiguration_not_a_status() {
        try (S3ObjectStore s = S3Stores.create(config(bucket).bucket(bucket.name() + "-missing").build())) {
            assertThatThrownBy(s::preflight).isInstanceOf(BucketMisconfiguredException.class)
                    .hasMessageContaining(bucket.name() + "-missing");
        }
    }

    @Test
    void stale_multipart_uploads_are_aborted() {
        String id = bucket.s3().createMultipartUpload(b -> b.bucket(bucket.name()).key("stale/one")).uploadId();
        bucket.s3().createMultipartUpload(b -> b.bucket(bucket.name()).key("elsewhere/two"));

        int aborted = store.abortStaleUploads("stale/", Instant.now().plus(1, ChronoUnit.MINUTES));

        assertThat(aborted).isEqualTo(1);
        assertThat(S3ItSupport.openUploads(bucket)).extracting(u -> u.key()).containsExactly("elsewhere/two")
                .doesNotContain(id);
        assertThat(store.abortStaleUploads("elsewhere/", Instant.now().minus(1, ChronoUnit.HOURS))).isZero();
    }

    @Test
    void conditional_write_detection_matches_what_the_server_does() {
        S3StoreConfig detect = config(bucket).conditionalWrites(S3StoreConfig.ConditionalWrites.AUTO)
                .probeKey("probe/conditional").build();
        try (S3ObjectStore s = S3Stores.create(detect)) {
            boolean supported = s.conditionalWrites();
            List<?> versions = s.listVersions("probe/conditional");
            assertThat(versions).as("one probe version when the header is honoured, two when it is ignored")
                    .hasSize(supported ? 1 : 2);
            StoredObject put = s.putOnce(new PutRequest("after-probe", ObjectSource.ofBytes(new byte[] {1}),
                    TestData.sha256(new byte[] {1}), oneDay()));
            assertThat(put.lockMode()).isEqualTo(LockMode.COMPLIANCE);
            assertThat(s.conditionalWrites()).as("probed once, remembered").isEqualTo(supported);
            assertThat(s.listVersions("probe/conditional")).hasSameSizeAs(versions);
        }
    }
}
