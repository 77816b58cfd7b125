package io.segvault.core.store.file;

import io.segvault.core.store.LockMode;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.ObjectStoreContract;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against the file-backed test store the scale test uses. */
class FileObjectStoreTest extends ObjectStoreContract {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    @TempDir
    Path dir;
    private FileObjectStore store;

    @BeforeEach
    void createStore() {
        store = new FileObjectStore("file-bucket", dir, Clock.fixed(NOW, ZoneOffset.UTC));
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
        return store.putRaw(key, data, claimed, LockMode.COMPLIANCE, NOW.plusSeconds(86_400));
    }
}
