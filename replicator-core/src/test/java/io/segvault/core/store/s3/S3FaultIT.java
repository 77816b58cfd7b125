package io.segvault.core.store.s3;

import static io.segvault.core.store.s3.S3ItSupport.config;
import static io.segvault.core.store.s3.S3ItSupport.oneDay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.ResilienceConfig;
import io.segvault.core.store.ResilientObjectStore;
import io.segvault.core.store.StoreUnavailableException;
import io.segvault.core.store.StoredObject;
import io.segvault.test.FaultProxy;
import io.segvault.test.FaultProxy.Fault;
import io.segvault.test.FaultProxy.Rule;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import io.segvault.test.TestData;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Uploads through {@link FaultProxy} in front of the real S3 server: resets, stalls and 503 SlowDown
 * answers. The uploads complete with the right bytes, nothing is left open, and the number of HTTP
 * attempts is exactly what the retry policy allows (SDK retries x Resilience4j attempts).
 */
@ExtendWith(LockedBucketExtension.class)
class S3FaultIT {

    private static final long MIB = 1024 * 1024;
    private static final int SDK_RETRIES = 2;
    private static final ResilienceConfig THREE_ATTEMPTS = ResilienceConfig.DEFAULTS
            .withRetry(3, Duration.ofMillis(10), Duration.ofMillis(50));

    private static S3StoreConfig.Builder through(FaultProxy proxy, LockedBucket bucket) {
        return config(bucket).endpoint(proxy.endpoint()).maxRetries(SDK_RETRIES).socketTimeout(Duration.ofSeconds(2))
                .partSize(5 * MIB).multipartThreshold(5 * MIB);
    }

    private static PutRequest request(String key, byte[] data) {
        return new PutRequest(key, ObjectSource.ofBytes(data), TestData.sha256(data), oneDay());
    }

    @Test
    void parts_hit_by_resets_stalls_and_slowdowns_are_retried_by_the_sdk_and_the_upload_completes(LockedBucket bucket) {
        try (FaultProxy proxy = FaultProxy.to(bucket.server().endpoint())
                .rule(Rule.of(Fault.SLOWDOWN, "UploadPart").maxFaults(2).maxPerTarget(1))
                .rule(Rule.of(Fault.RESET, "UploadPart").maxFaults(2).maxPerTarget(1))
                .rule(Rule.of(Fault.STALL, "UploadPart").maxFaults(1).maxPerTarget(1))
                .stall(Duration.ofSeconds(4)).start();
             S3ObjectStore s3 = S3Stores.create(through(proxy, bucket).build())) {
            ResilientObjectStore store = new ResilientObjectStore(s3, THREE_ATTEMPTS, null);
            byte[] data = TestData.bytes(3, (int) (40 * MIB));

            StoredObject put = store.putOnce(request("faults/parts", data));

            assertThat(proxy.events()).hasSize(5);
            int parts = 8;
            assertThat(s3.requestCount("UploadPart")).as("every part once, plus one attempt per injected fault")
                    .isEqualTo(parts + proxy.events().size()).isEqualTo(proxy.requests("UploadPart"));
            assertThat(store.retry().getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(1);
            assertThat(s3.requestCount("CreateMultipartUpload")).isEqualTo(1);
            assertThat(TestData.sha256(s3.get(put.key(), put.versionId(), 0, -1))).isEqualTo(TestData.sha256(data));
            assertThat(S3ItSupport.retentionOf(bucket, put.key(), put.versionId()).retainUntil())
                    .isEqualTo(put.retainUntil());
            assertThat(S3ItSupport.openUploads(bucket)).isEmpty();
        }
    }

    @Test
    void a_body_corrupted_on_the_wire_is_refused_by_the_server_and_nothing_is_written(LockedBucket bucket) {
        try (FaultProxy proxy = FaultProxy.to(bucket.server().endpoint())
                .rule(Rule.of(Fault.CORRUPT, "PutObject").maxFaults(1))
                .rule(Rule.of(Fault.CORRUPT, "UploadPart").maxFaults(1)).start();
             S3ObjectStore s3 = S3Stores.create(through(proxy, bucket).maxRetries(0).build())) {
            assertThat(through(proxy, bucket).build().effectiveChecksums()).as("the default on a custom endpoint")
                    .isEqualTo(S3StoreConfig.ChecksumStrategy.SHA256);
            byte[] small = TestData.bytes(5, (int) MIB);
            byte[] large = TestData.bytes(6, (int) (12 * MIB));

            assertThatThrownBy(() -> s3.putOnce(request("corrupt/single", small)))
                    .isInstanceOf(io.segvault.core.store.IntegrityException.class).hasMessageContaining("corrupt/single");
            assertThatThrownBy(() -> s3.putOnce(request("corrupt/multi", large)))
                    .isInstanceOf(io.segvault.core.store.IntegrityException.class).hasMessageContaining("corrupt/multi");

            assertThat(proxy.events()).extracting(FaultProxy.Event::operation).containsExactly("PutObject", "UploadPart");
            assertThat(s3.head("corrupt/single")).isEmpty();
            assertThat(s3.head("corrupt/multi")).isEmpty();
            assertThat(S3ItSupport.openUploads(bucket)).as("the multipart upload was aborted").isEmpty();
            StoredObject again = s3.putOnce(request("corrupt/single", small));
            assertThat(TestData.sha256(s3.get(again.key(), again.versionId(), 0, -1))).isEqualTo(TestData.sha256(small));
        }
    }

    @Test
    void persistent_slowdowns_use_exactly_sdk_attempts_times_resilience_attempts(LockedBucket bucket) {
        int perCall = SDK_RETRIES + 1;
        int failingPuts = perCall * THREE_ATTEMPTS.maxAttempts() + 2;
        try (FaultProxy proxy = FaultProxy.to(bucket.server().endpoint())
                .rule(Rule.of(Fault.SLOWDOWN, "PutObject").maxFaults(failingPuts)).start();
             S3ObjectStore s3 = S3Stores.create(through(proxy, bucket).build())) {
            ResilientObjectStore store = new ResilientObjectStore(s3, THREE_ATTEMPTS, null);

            assertThatThrownBy(() -> store.putOnce(request("faults/refused", TestData.bytes(1, 1024))))
                    .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                        assertThat(e.key()).isEqualTo("faults/refused");
                        assertThat(e.getMessage()).contains("SlowDown");
                    });
            assertThat(s3.requestCount("PutObject")).isEqualTo(perCall * THREE_ATTEMPTS.maxAttempts());
            assertThat(s3.requestCount("HeadObject")).as("one HEAD per whole attempt").isEqualTo(3);

            byte[] data = TestData.bytes(2, 1024);
            StoredObject put = store.putOnce(request("faults/accepted", data));
            assertThat(s3.requestCount("PutObject")).as("two more refusals, then the SDK's third attempt lands")
                    .isEqualTo(failingPuts + 1).isEqualTo(proxy.requests("PutObject"));
            assertThat(store.retry().getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
            assertThat(store.retry().getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(1);
            assertThat(TestData.sha256(s3.get(put.key(), put.versionId(), 0, -1))).isEqualTo(TestData.sha256(data));
            assertThat(s3.listVersions("faults/")).hasSize(1);
        }
    }

    @Test
    void a_part_that_keeps_failing_aborts_the_upload(LockedBucket bucket) {
        try (FaultProxy proxy = FaultProxy.to(bucket.server().endpoint())
                .rule(Rule.of(Fault.RESET, "UploadPart").maxFaults(SDK_RETRIES + 1)).start();
             S3ObjectStore s3 = S3Stores.create(through(proxy, bucket).partsInFlight(1).build())) {
            byte[] data = TestData.bytes(4, (int) (12 * MIB));

            assertThatThrownBy(() -> s3.putOnce(request("faults/aborted", data)))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("UploadPart 1/3");

            assertThat(s3.requestCount("UploadPart")).isEqualTo(SDK_RETRIES + 1);
            assertThat(proxy.requests("AbortMultipartUpload")).isEqualTo(1);
            assertThat(S3ItSupport.openUploads(bucket)).isEmpty();
            assertThat(s3.head("faults/aborted")).isEmpty();
        }
    }
}
