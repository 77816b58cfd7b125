package io.segvault.core.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.ObjectStoreContract;
import io.segvault.core.store.StoreAccessDeniedException;
import io.segvault.core.store.StoredObject;
import io.segvault.test.TestData;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryObjectStoreTest extends ObjectStoreContract {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private InMemoryObjectStore store;

    @BeforeEach
    void createStore() {
        store = new InMemoryObjectStore("memory-bucket", Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Override
    protected Instant now() {
        return NOW;
    }

    @Override
    protected int largeObjectSize() {
        return 3 * 1024 * 1024;
    }

    @Override
    protected String squat(String key, byte[] data, String claimed) {
        return store.squat(key, data, claimed, NOW.plusSeconds(86_400));
    }

    @Test
    void a_locked_version_cannot_be_deleted_but_a_delete_marker_can() {
        StoredObject put = store.putOnce(request(PREFIX + "x", TestData.bytes(1, 10), oneDay()));
        assertThatThrownBy(() -> store.deleteVersion(PREFIX + "x", put.versionId()))
                .isInstanceOf(StoreAccessDeniedException.class);

        String marker = store.deleteMarker(PREFIX + "x");
        assertThat(store.head(PREFIX + "x")).isEmpty();
        store.deleteVersion(PREFIX + "x", marker);
        assertThat(store.head(PREFIX + "x")).hasValueSatisfying(h -> assertThat(h.versionId()).isEqualTo(put.versionId()));
    }

    @Test
    void a_repeated_put_writes_nothing() {
        byte[] data = TestData.bytes(2, 10);
        store.putOnce(request(PREFIX + "y", data, oneDay()));
        store.putOnce(request(PREFIX + "y", data, oneDay()));
        assertThat(store.putCount()).isEqualTo(1);
        assertThat(store.retentionCount()).isZero();
    }

    @Test
    void preflight_of_a_bucket_without_object_lock_names_both_problems() {
        InMemoryObjectStore plain = new InMemoryObjectStore("plain", Clock.fixed(NOW, ZoneOffset.UTC), false);
        assertThat(plain.preflight().problems()).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("plain").contains("Object Lock"))
                .anySatisfy(p -> assertThat(p).contains("versioning"));
    }
}
