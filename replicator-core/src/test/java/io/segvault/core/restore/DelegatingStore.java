package io.segvault.core.restore;

import io.segvault.core.store.BucketStatus;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.ObjectVersion;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.StoredObject;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A store that passes every call on; tests override {@link #get} to count, break or watch downloads. */
class DelegatingStore implements ObjectStore {

    private final ObjectStore delegate;

    DelegatingStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public InputStream get(String key, String versionId, long offset, long length) {
        return delegate.get(key, versionId, offset, length);
    }

    @Override
    public String bucket() {
        return delegate.bucket();
    }

    @Override
    public StoredObject putOnce(PutRequest request) {
        return delegate.putOnce(request);
    }

    @Override
    public Optional<StoredObject> head(String key) {
        return delegate.head(key);
    }

    @Override
    public StoredObject head(String key, String versionId) {
        return delegate.head(key, versionId);
    }

    @Override
    public List<ObjectVersion> listVersions(String prefix) {
        return delegate.listVersions(prefix);
    }

    @Override
    public StoredObject extendRetention(String key, String versionId, Instant retainUntil) {
        return delegate.extendRetention(key, versionId, retainUntil);
    }

    @Override
    public BucketStatus preflight() {
        return delegate.preflight();
    }

    @Override
    public int abortStaleUploads(String prefix, Instant initiatedBefore) {
        return delegate.abortStaleUploads(prefix, initiatedBefore);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
