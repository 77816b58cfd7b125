package io.segvault.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.test.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@link ObjectStore} contract, run against every implementation (in memory and the real S3 server).
 * Subclasses provide a fresh, empty, Object-Lock-enabled store per test.
 */
public abstract class ObjectStoreContract {

    protected static final String PREFIX = "contract/";

    /** A fresh store for the current test (created in a @BeforeEach). */
    protected abstract ObjectStore store();

    /** Now, as the store's clock sees it. */
    protected abstract Instant now();

    /** A size above the store's multipart threshold (any size for stores without one). */
    protected abstract int largeObjectSize();

    /** Writes a COMPLIANCE-locked version with metadata {@code sha256=claimed}, as an attacker with write access could. */
    protected abstract String squat(String key, byte[] data, String claimed);

    protected Retention oneDay() {
        return Retention.compliance(now().plus(1, ChronoUnit.DAYS));
    }

    protected static PutRequest request(String key, byte[] data, Retention retention) {
        return new PutRequest(key, ObjectSource.ofBytes(data), TestData.sha256(data), retention);
    }

    protected static byte[] read(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void same_key_same_bytes_returns_the_same_version_and_writes_no_new_one() {
        byte[] data = TestData.bytes(1, 1024);
        StoredObject first = store().putOnce(request(PREFIX + "same", data, oneDay()));
        StoredObject second = store().putOnce(request(PREFIX + "same", data, oneDay()));

        assertThat(second.versionId()).isEqualTo(first.versionId());
        assertThat(store().listVersions(PREFIX + "same")).hasSize(1);
    }

    @Test
    void same_key_different_bytes_is_a_conflict_and_overwrites_nothing() {
        byte[] original = TestData.bytes(2, 1024);
        StoredObject first = store().putOnce(request(PREFIX + "conflict", original, oneDay()));
        byte[] other = TestData.bytes(3, 1024);

        assertThatThrownBy(() -> store().putOnce(request(PREFIX + "conflict", other, oneDay())))
                .isInstanceOfSatisfying(ObjectConflictException.class, e -> {
                    assertThat(e.key()).isEqualTo(PREFIX + "conflict");
                    assertThat(e.getMessage()).contains(PREFIX + "conflict").contains(TestData.sha256(other));
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(store().listVersions(PREFIX + "conflict")).extracting(ObjectVersion::versionId)
                .containsExactly(first.versionId());
        assertThat(read(store().get(PREFIX + "conflict", first.versionId(), 0, -1))).isEqualTo(original);
    }

    @Test
    void put_returns_a_version_locked_as_asked_and_head_reports_it() {
        byte[] data = TestData.bytes(4, 777);
        Retention asked = oneDay();
        StoredObject put = store().putOnce(request(PREFIX + "locked", data, asked));

        assertThat(put.lockMode()).isEqualTo(LockMode.COMPLIANCE);
        assertThat(put.retainUntil()).isEqualTo(asked.retainUntil());
        assertThat(put.size()).isEqualTo(777);
        assertThat(put.sha256()).isEqualTo(TestData.sha256(data));
        assertThat(store().head(PREFIX + "locked")).hasValueSatisfying(h -> {
            assertThat(h.versionId()).isEqualTo(put.versionId());
            assertThat(h.lockedAsAsked(asked)).isTrue();
        });
        assertThat(store().head(PREFIX + "locked", put.versionId())).isEqualTo(put);
    }

    @Test
    void head_of_a_missing_key_is_empty_and_a_missing_version_is_not_found() {
        StoredObject put = store().putOnce(request(PREFIX + "present", TestData.bytes(5, 10), oneDay()));

        assertThat(store().head(PREFIX + "absent")).isEmpty();
        assertThatThrownBy(() -> store().head(PREFIX + "absent", put.versionId()))
                .isInstanceOfSatisfying(ObjectNotFoundException.class,
                        e -> assertThat(e.key()).isEqualTo(PREFIX + "absent"));
    }

    @Test
    void get_reads_whole_and_ranged() {
        byte[] data = TestData.bytes(6, 4096);
        StoredObject put = store().putOnce(request(PREFIX + "ranged", data, oneDay()));
        String v = put.versionId();

        assertThat(read(store().get(PREFIX + "ranged", v, 0, -1))).isEqualTo(data);
        assertThat(read(store().get(PREFIX + "ranged", v, 100, 50))).isEqualTo(Arrays.copyOfRange(data, 100, 150));
        assertThat(read(store().get(PREFIX + "ranged", v, 4000, -1))).isEqualTo(Arrays.copyOfRange(data, 4000, 4096));
        assertThat(read(store().get(PREFIX + "ranged", v, 4090, 100))).isEqualTo(Arrays.copyOfRange(data, 4090, 4096));
        assertThat(read(store().get(PREFIX + "ranged", v, 4096, -1))).isEmpty();
    }

    @Test
    void an_object_above_the_multipart_threshold_round_trips_locked() {
        byte[] data = TestData.bytes(7, largeObjectSize());
        Retention asked = oneDay();
        StoredObject put = store().putOnce(request(PREFIX + "large", data, asked));

        assertThat(put.size()).isEqualTo(data.length);
        assertThat(put.lockedAsAsked(asked)).isTrue();
        assertThat(read(store().get(PREFIX + "large", put.versionId(), 0, -1))).isEqualTo(data);
        int mid = data.length / 2;
        assertThat(read(store().get(PREFIX + "large", put.versionId(), mid - 10, 20)))
                .isEqualTo(Arrays.copyOfRange(data, mid - 10, mid + 10));
    }

    @Test
    void list_versions_sorts_by_key_and_stays_under_the_prefix() {
        store().putOnce(request(PREFIX + "list/b", TestData.bytes(8, 20), oneDay()));
        store().putOnce(request(PREFIX + "list/a", TestData.bytes(9, 30), oneDay()));
        store().putOnce(request(PREFIX + "other", TestData.bytes(10, 40), oneDay()));

        List<ObjectVersion> versions = store().listVersions(PREFIX + "list/");
        assertThat(versions).extracting(ObjectVersion::key).containsExactly(PREFIX + "list/a", PREFIX + "list/b");
        assertThat(versions).extracting(ObjectVersion::size).containsExactly(30L, 20L);
        assertThat(versions).allSatisfy(v -> {
            assertThat(v.latest()).isTrue();
            assertThat(v.deleteMarker()).isFalse();
        });
    }

    @Test
    void extend_retention_only_grows() {
        Retention asked = oneDay();
        StoredObject put = store().putOnce(request(PREFIX + "extend", TestData.bytes(11, 64), asked));
        Instant later = asked.retainUntil().plus(2, ChronoUnit.DAYS);

        StoredObject extended = store().extendRetention(PREFIX + "extend", put.versionId(), later);
        assertThat(extended.retainUntil()).isEqualTo(later);
        assertThat(extended.lockMode()).isEqualTo(LockMode.COMPLIANCE);

        StoredObject unchanged = store().extendRetention(PREFIX + "extend", put.versionId(), asked.retainUntil());
        assertThat(unchanged.retainUntil()).isEqualTo(later);
        assertThat(store().head(PREFIX + "extend", put.versionId()).retainUntil()).isEqualTo(later);
    }

    @Test
    void putting_the_same_bytes_with_a_later_date_extends_the_existing_lock() {
        byte[] data = TestData.bytes(12, 128);
        StoredObject first = store().putOnce(request(PREFIX + "relock", data, oneDay()));
        Retention later = Retention.compliance(now().plus(3, ChronoUnit.DAYS));

        StoredObject again = store().putOnce(request(PREFIX + "relock", data, later));
        assertThat(again.versionId()).isEqualTo(first.versionId());
        assertThat(again.retainUntil()).isEqualTo(later.retainUntil());
    }

    @Test
    void bytes_that_do_not_match_the_named_sha256_are_refused_before_anything_is_written() {
        byte[] data = TestData.bytes(13, 256);
        PutRequest lying = new PutRequest(PREFIX + "lying", ObjectSource.ofBytes(data),
                TestData.sha256(TestData.bytes(14, 256)), oneDay());

        assertThatThrownBy(() -> store().putOnce(lying)).isInstanceOfSatisfying(IntegrityException.class,
                e -> assertThat(e.key()).isEqualTo(PREFIX + "lying"));
        assertThat(store().head(PREFIX + "lying")).isEmpty();
    }

    @Test
    void preflight_reports_a_ready_bucket() {
        BucketStatus status = store().preflight();
        assertThat(status.bucket()).isEqualTo(store().bucket());
        assertThat(status.problems()).isEmpty();
    }

    @Test
    void a_squatter_whose_metadata_claims_the_right_sha256_is_foreign_not_uploaded() {
        byte[] real = TestData.bytes(7, 2048);
        byte[] garbage = TestData.bytes(8, 2048);
        String squatted = squat(PREFIX + "squatted", garbage, TestData.sha256(real));

        assertThatThrownBy(() -> store().putOnce(request(PREFIX + "squatted", real, oneDay())))
                .isInstanceOfSatisfying(ForeignObjectException.class, e -> {
                    assertThat(e.versionId()).isEqualTo(squatted);
                    assertThat(e.getMessage()).contains(PREFIX + "squatted").contains(squatted);
                });
        assertThat(store().listVersions(PREFIX + "squatted")).extracting(ObjectVersion::versionId).containsExactly(squatted);
    }

    @Test
    void an_occupant_with_exactly_the_right_bytes_counts_as_written() {
        byte[] real = TestData.bytes(9, 2048);
        String squatted = squat(PREFIX + "same", real, "0".repeat(64));

        StoredObject stored = store().putOnce(request(PREFIX + "same", real, oneDay()));

        assertThat(stored.versionId()).isEqualTo(squatted);
        assertThat(store().listVersions(PREFIX + "same")).hasSize(1);
    }
}
