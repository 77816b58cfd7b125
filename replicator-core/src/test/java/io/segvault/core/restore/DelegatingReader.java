package io.segvault.core.restore;

import io.segvault.core.store.ObjectReader;
import io.segvault.core.store.ObjectVersion;
import io.segvault.core.store.StoredObject;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** A reader that passes every call on; tests override {@link #get} to count, break or watch downloads. */
class DelegatingReader implements ObjectReader {

    private final ObjectReader delegate;

    DelegatingReader(ObjectReader delegate) {
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
}
