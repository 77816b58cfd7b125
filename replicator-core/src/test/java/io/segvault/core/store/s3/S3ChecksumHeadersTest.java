package io.segvault.core.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.core.store.LockMode;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.Retention;
import io.segvault.core.store.StoredObject;
import io.segvault.core.store.s3.S3StoreConfig.ChecksumStrategy;
import io.segvault.test.TestData;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Every PutObject and UploadPart carries a checksum AWS accepts for Object Lock, and every write asks
 * for the lock, for both strategies. Ceph does not enforce checksums, so this is checked on the wire
 * with an SDK interceptor against a stub endpoint.
 */
class S3ChecksumHeadersTest {

    private static final long MIB = 1024 * 1024;

    /** One request as it left the SDK (after signing). */
    record Sent(String operation, Map<String, List<String>> headers) {
        boolean has(String header) {
            return headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase(header));
        }

        String first(String header) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(header))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final ExecutionInterceptor recorder = new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            sent.add(new Sent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                    context.httpRequest().headers()));
        }
    };
    private StubS3Server stub;

    @BeforeEach
    void startStub() {
        stub = new StubS3Server();
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    @ParameterizedTest
    @EnumSource(value = ChecksumStrategy.class, names = {"SHA256", "CONTENT_MD5", "FLEXIBLE"})
    void every_put_and_part_carries_a_checksum_and_the_lock(ChecksumStrategy strategy) {
        S3StoreConfig config = S3StoreConfig.builder("bucket").endpoint(stub.endpoint()).checksums(strategy)
                .conditionalWrites(S3StoreConfig.ConditionalWrites.OFF).partSize(5 * MIB).multipartThreshold(MIB)
                .build();
        Retention asked = Retention.compliance(Instant.now().plus(1, ChronoUnit.DAYS));
        try (S3ObjectStore store = S3Stores.create(config, Clock.systemUTC(), List.of(recorder))) {
            byte[] small = TestData.bytes(1, 1000);
            byte[] large = TestData.bytes(2, (int) (11 * MIB));
            StoredObject one = store.putOnce(new PutRequest("small", ObjectSource.ofBytes(small), TestData.sha256(small),
                    asked));
            StoredObject two = store.putOnce(new PutRequest("large", ObjectSource.ofBytes(large), TestData.sha256(large),
                    asked));

            assertThat(one.lockedAsAsked(asked)).isTrue();
            assertThat(two.lockedAsAsked(asked)).as("lock set after the fact on the multipart object").isTrue();
            assertThat(two.lockMode()).isEqualTo(LockMode.COMPLIANCE);
            assertThat(store.requestCount("UploadPart")).isEqualTo(3);
            assertThat(store.requestCount("PutObjectRetention")).isEqualTo(1);
        }
        List<Sent> writes = sent.stream().filter(s -> s.operation().equals("PutObject")
                || s.operation().equals("UploadPart")).toList();
        assertThat(writes).extracting(Sent::operation).containsExactlyInAnyOrder("PutObject", "UploadPart",
                "UploadPart", "UploadPart");
        if (strategy == ChecksumStrategy.SHA256) {
            assertThat(writes.stream().filter(s -> s.operation().equals("PutObject")).findFirst().orElseThrow()
                    .first("x-amz-content-sha256")).as("a single PUT's signed hash is the object's SHA-256")
                    .isEqualTo(TestData.sha256(TestData.bytes(1, 1000)));
        }
        assertThat(writes).allSatisfy(s -> {
            if (strategy == ChecksumStrategy.SHA256) {
                assertThat(s.first("x-amz-content-sha256")).as(s.operation() + " signs its payload").matches("[0-9a-f]{64}");
                assertThat(s.has("Content-MD5")).as(s.operation() + " needs no MD5").isFalse();
            } else if (strategy == ChecksumStrategy.CONTENT_MD5) {
                assertThat(s.first("Content-MD5")).as(s.operation()).matches("[A-Za-z0-9+/]{22}==");
            } else {
                boolean checksumHeader = s.has("x-amz-checksum-crc32c")
                        || "x-amz-checksum-crc32c".equalsIgnoreCase(s.first("x-amz-trailer"));
                assertThat(checksumHeader).as(s.operation() + " carries CRC32C: " + s.headers()).isTrue();
            }
        });
        assertThat(sent.stream().filter(s -> s.operation().equals("PutObject")
                || s.operation().equals("CreateMultipartUpload")).toList()).hasSize(2).allSatisfy(s -> {
                    assertThat(s.first("x-amz-object-lock-mode")).isEqualTo("COMPLIANCE");
                    assertThat(Instant.parse(s.first("x-amz-object-lock-retain-until-date")))
                            .isEqualTo(asked.retainUntil());
                });
    }

    @org.junit.jupiter.api.Test
    void a_single_put_whose_bytes_are_not_the_named_ones_is_refused_before_it_is_sent() {
        S3StoreConfig config = S3StoreConfig.builder("bucket").endpoint(stub.endpoint())
                .conditionalWrites(S3StoreConfig.ConditionalWrites.OFF).build();
        assertThat(config.effectiveChecksums()).isEqualTo(ChecksumStrategy.SHA256);
        byte[] hashed = TestData.bytes(3, 4000);
        byte[] changed = hashed.clone();
        changed[1234] ^= 1;
        Retention asked = Retention.compliance(Instant.now().plus(1, ChronoUnit.DAYS));
        try (S3ObjectStore store = S3Stores.create(config, Clock.systemUTC(), List.of(recorder))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.putOnce(new PutRequest("k",
                            ObjectSource.ofBytes(changed), TestData.sha256(hashed), asked)))
                    .isInstanceOf(io.segvault.core.store.IntegrityException.class)
                    .hasMessageContaining("k").hasMessageContaining(TestData.sha256(hashed))
                    .hasMessageContaining("nothing was written");
            assertThat(store.head("k")).as("the stub received no PutObject").isEmpty();
        }
    }
}
