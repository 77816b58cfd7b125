package io.segvault.core.store.memory;

import io.segvault.core.store.BucketStatus;
import io.segvault.core.store.IntegrityException;
import io.segvault.core.store.LockMode;
import io.segvault.core.store.ForeignObjectException;
import io.segvault.core.store.ObjectDeleter;
import io.segvault.core.store.ObjectNotFoundException;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.ObjectStore;
import io.segvault.core.store.ObjectVersion;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.StoreAccessDeniedException;
import io.segvault.core.store.ObjectStoreException;
import io.segvault.core.store.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A versioned, Object-Lock-enforcing bucket in memory, for fast unit tests. It follows the
 * {@link ObjectStore} contract exactly (the same contract tests run against it and the real server)
 * and enforces COMPLIANCE locks against {@link #deleteVersion} using the injected clock.
 */
public final class InMemoryObjectStore implements ObjectStore, ObjectDeleter {

    private record Version(String id, byte[] data, String sha256, LockMode mode, Instant until, Instant written,
                           boolean marker) {
    }

    private final String bucket;
    private final Clock clock;
    private final boolean objectLock;
    private final Map<String, List<Version>> keys = new TreeMap<>();
    private final AtomicLong nextVersion = new AtomicLong(1);
    private final AtomicLong puts = new AtomicLong();
    private final AtomicLong retentionCalls = new AtomicLong();
    private final AtomicLong gets = new AtomicLong();
    private RuntimeException failNext;
    private int failuresLeft;

    public InMemoryObjectStore(String bucket, Clock clock) {
        this(bucket, clock, true);
    }

    /** @param objectLock false models a bucket without versioning and Object Lock (for preflight tests) */
    public InMemoryObjectStore(String bucket, Clock clock, boolean objectLock) {
        this.bucket = bucket;
        this.clock = clock;
        this.objectLock = objectLock;
    }

    @Override
    public String bucket() {
        return bucket;
    }

    /** Number of versions written by {@link #putOnce} (for "no PUT" assertions). */
    /** How many GETs were served (reads of object bytes). */
    public long getCount() {
        return gets.get();
    }

    public long putCount() {
        return puts.get();
    }

    /** Number of retention changes made by {@link #extendRetention}. */
    public long retentionCount() {
        return retentionCalls.get();
    }

    /** Makes the next store call fail with {@code failure} (once). */
    public void failNextCall(RuntimeException failure) {
        failNextCalls(1, failure);
    }

    /** Makes the next {@code times} store calls fail with {@code failure}. */
    public synchronized void failNextCalls(int times, RuntimeException failure) {
        this.failNext = failure;
        this.failuresLeft = times;
    }

    private synchronized void maybeFail() {
        if (failuresLeft > 0) {
            failuresLeft--;
            throw failNext;
        }
    }

    @Override
    public synchronized StoredObject putOnce(PutRequest request) {
        maybeFail();
        byte[] data = readAll(request.source(), request.key());
        String actual = sha256(data);
        if (!actual.equals(request.sha256())) {
            throw new IntegrityException(request.key(), "bytes of " + request.source().describe() + " hash to "
                    + actual + ", not the " + request.sha256() + " the request names", null);
        }
        Optional<Version> current = current(request.key());
        if (current.isPresent()) {
            Version existing = current.get();
            // like the S3 adapter: the occupant's bytes decide, never its metadata
            if (!actual.equals(sha256(existing.data())) || existing.mode() == LockMode.GOVERNANCE) {
                throw new ForeignObjectException(request.key(), existing.id(), "key " + request.key()
                        + " is occupied by version " + existing.id() + " whose bytes segvault did not write (asked to write sha256 "
                        + request.sha256() + ")", null);
            }
            if (!request.retention().satisfiedBy(existing.mode(), existing.until())) {
                return extend(request.key(), existing.id(), request.retention().retainUntil());
            }
            return info(request.key(), existing);
        }
        puts.incrementAndGet();
        Version v = new Version(Long.toString(nextVersion.getAndIncrement()), data, request.sha256(),
                request.retention().mode(), request.retention().retainUntil(), clock.instant(), false);
        keys.computeIfAbsent(request.key(), k -> new ArrayList<>()).add(0, v);
        return info(request.key(), v);
    }

    /** Writes a new version without any check, as an attacker with the agent's credential could. */
    public synchronized String putRaw(String key, byte[] data) {
        Version v = new Version(Long.toString(nextVersion.getAndIncrement()), data, null, LockMode.NONE, null,
                clock.instant(), false);
        keys.computeIfAbsent(key, k -> new ArrayList<>()).add(0, v);
        return v.id();
    }

    /**
     * Writes a new COMPLIANCE-locked version whose metadata claims {@code claimedSha256}, whatever the bytes are: what an
     * attacker holding the agent's credential can do.
     */
    public synchronized String squat(String key, byte[] data, String claimedSha256, Instant retainUntil) {
        Version v = new Version(Long.toString(nextVersion.getAndIncrement()), data, claimedSha256, LockMode.COMPLIANCE,
                retainUntil, clock.instant(), false);
        keys.computeIfAbsent(key, k -> new ArrayList<>()).add(0, v);
        return v.id();
    }

    /** Writes a delete marker on a key, as a plain DELETE does on a versioned bucket. */
    public synchronized String deleteMarker(String key) {
        Version v = new Version(Long.toString(nextVersion.getAndIncrement()), new byte[0], null, LockMode.NONE, null,
                clock.instant(), true);
        keys.computeIfAbsent(key, k -> new ArrayList<>()).add(0, v);
        return v.id();
    }

    @Override
    public synchronized Optional<StoredObject> head(String key) {
        maybeFail();
        return current(key).map(v -> info(key, v));
    }

    @Override
    public synchronized StoredObject head(String key, String versionId) {
        maybeFail();
        return info(key, version(key, versionId));
    }

    @Override
    public synchronized InputStream get(String key, String versionId, long offset, long length) {
        gets.incrementAndGet();
        maybeFail();
        byte[] data = version(key, versionId).data();
        if (offset < 0 || offset > data.length) {
            throw new IllegalArgumentException("offset " + offset + " outside " + key + " (" + data.length + " bytes)");
        }
        int len = length < 0 ? data.length - (int) offset : (int) Math.min(length, data.length - offset);
        return new ByteArrayInputStream(data, (int) offset, len);
    }

    @Override
    public synchronized List<ObjectVersion> listVersions(String prefix) {
        maybeFail();
        List<ObjectVersion> out = new ArrayList<>();
        keys.forEach((key, versions) -> {
            if (key.startsWith(prefix)) {
                for (int i = 0; i < versions.size(); i++) {
                    Version v = versions.get(i);
                    out.add(new ObjectVersion(key, v.id(), v.data().length, v.written(), i == 0, v.marker()));
                }
            }
        });
        return out;
    }

    @Override
    public synchronized StoredObject extendRetention(String key, String versionId, Instant retainUntil) {
        maybeFail();
        return extend(key, versionId, retainUntil);
    }

    private StoredObject extend(String key, String versionId, Instant retainUntil) {
        List<Version> versions = keys.get(key);
        Version v = version(key, versionId);
        Instant until = retainUntil.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        if (v.until() == null || v.until().isBefore(until)) {
            retentionCalls.incrementAndGet();
            Version extended = new Version(v.id(), v.data(), v.sha256(), LockMode.COMPLIANCE, until, v.written(), false);
            versions.set(versions.indexOf(v), extended);
            v = extended;
        }
        return info(key, v);
    }

    @Override
    public synchronized BucketStatus preflight() {
        maybeFail();
        return new BucketStatus(bucket, objectLock, objectLock, LockMode.NONE, null);
    }

    @Override
    public synchronized int abortStaleUploads(String prefix, Instant initiatedBefore) {
        maybeFail();
        return 0; // uploads here are atomic: nothing is ever left open
    }

    @Override
    public synchronized void deleteVersion(String key, String versionId) {
        maybeFail();
        Version v = keys.getOrDefault(key, List.of()).stream().filter(x -> x.id().equals(versionId)).findFirst()
                .orElseThrow(() -> new ObjectNotFoundException(key, "no version " + versionId + " of " + key
                        + " in bucket " + bucket, null));
        if (v.mode() != LockMode.NONE && v.until() != null && clock.instant().isBefore(v.until())) {
            throw new StoreAccessDeniedException(key, "version " + versionId + " of " + key + " is locked ("
                    + v.mode() + ") until " + v.until(), null);
        }
        List<Version> versions = keys.get(key);
        versions.remove(v);
        if (versions.isEmpty()) {
            keys.remove(key);
        }
    }

    @Override
    public void close() {
        // nothing to release
    }

    private Optional<Version> current(String key) {
        List<Version> versions = keys.get(key);
        if (versions == null || versions.isEmpty() || versions.get(0).marker()) {
            return Optional.empty();
        }
        return Optional.of(versions.get(0));
    }

    private Version version(String key, String versionId) {
        List<Version> versions = keys.get(key);
        if (versions != null) {
            for (Version v : versions) {
                if (v.id().equals(versionId) && !v.marker()) {
                    return v;
                }
            }
        }
        throw new ObjectNotFoundException(key, "no version " + versionId + " of " + key + " in bucket " + bucket, null);
    }

    private static StoredObject info(String key, Version v) {
        return new StoredObject(key, v.id(), v.data().length, v.sha256(), v.mode(), v.until(), v.written());
    }

    private static byte[] readAll(ObjectSource source, String key) {
        if (source.size() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("in-memory store cannot hold " + source.size() + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) source.size());
        try (ObjectSource.Reader r = source.open()) {
            r.readFully(buf, 0);
        } catch (IOException e) {
            throw new ObjectStoreException(key, "cannot read " + source.describe() + " to upload " + key + ": "
                    + e.getMessage(), e);
        }
        return buf.array();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
