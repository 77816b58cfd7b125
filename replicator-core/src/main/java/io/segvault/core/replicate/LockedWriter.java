package io.segvault.core.replicate;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.store.ForeignObjectException;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.OnceWriter;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.Retention;
import io.segvault.core.store.StoredObject;
import java.time.Clock;

/**
 * Replication's writes: put-once, locked until the current generation's date. {@link #putOwn} treats a key occupied
 * by a foreign object (bytes segvault did not write, whatever its metadata says) as a tamper event and writes to an
 * alternative key nobody could have predicted; the ledger remembers where. Thread-safe.
 */
public final class LockedWriter {

    private final OnceWriter writer;
    private final Ledger ledger;
    private final BucketLayout layout;
    private final RetentionPolicy retention;
    private final TamperLog tamper;
    private final Clock clock;

    public LockedWriter(OnceWriter writer, Ledger ledger, BucketLayout layout, RetentionPolicy retention, TamperLog tamper,
                        Clock clock) {
        this.writer = writer;
        this.ledger = ledger;
        this.layout = layout;
        this.retention = retention;
        this.tamper = tamper;
        this.clock = clock;
    }

    /** The lock a write made now gets. */
    Retention lock() {
        return Retention.compliance(retention.retainUntil(clock));
    }

    /** Writes {@code bytes} at {@code key} once, locked; an object already there is the store's business. */
    StoredObject put(String key, byte[] bytes, String sha256) {
        return put(key, ObjectSource.ofBytes(bytes), sha256);
    }

    /** Writes {@code source} at {@code key} once, locked; an object already there is the store's business. */
    StoredObject put(String key, ObjectSource source, String sha256) {
        return writer.putOnce(new PutRequest(key, source, sha256, lock(), false));
    }

    /**
     * Writes {@code source} at {@code key} of {@code repo} once, locked; when a foreign object holds the key, reports
     * it (the detail ends in "{@code <redirect> <alternative key> instead}"), runs {@code onForeign} and writes to the
     * alternative key.
     */
    StoredObject putOwn(String repo, String key, String sha256, ObjectSource source, boolean listedAbsent, String redirect,
                        Runnable onForeign) {
        Retention lock = lock();
        try {
            return writer.putOnce(new PutRequest(key, source, sha256, lock, listedAbsent));
        } catch (ForeignObjectException e) {
            onForeign.run();
            String alt = layout.alternative(key);
            tamper.foreignObject(repo, -1, e.getMessage() + "; " + redirect + " " + alt + " instead");
            StoredObject stored = writer.putOnce(new PutRequest(alt, source, sha256, lock, true));
            ledger.recordAlias(repo, key, alt);
            return stored;
        }
    }
}
