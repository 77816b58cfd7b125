package io.segvault.core.store.s3;

import io.segvault.core.store.IntegrityException;
import io.segvault.core.store.LockMode;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.ObjectStoreException;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.StoreUnavailableException;
import io.segvault.core.store.s3.S3StoreConfig.ChecksumStrategy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Writes the bytes of one {@link PutRequest}: a single PutObject up to the multipart threshold, otherwise a
 * multipart upload whose parts are read in order on the calling thread (which also computes the full
 * SHA-256) and sent in parallel, at most {@code partsInFlight} at a time, from buffers of the store-wide
 * {@link PartBufferPool}. Every PutObject and UploadPart carries a checksum the server verifies (its signed
 * SHA-256, Content-MD5 or CRC32C) and every write asks for the lock. A single PUT under the SHA256 strategy is
 * not hashed here: the signer's hash of the body is compared with the request's by {@link SignedPayloadGuard}.
 * A multipart upload is aborted on every failure path.
 */
final class ObjectWriter {

    static final String SHA256_METADATA = "sha256";
    private static final int MAX_PARTS = 10_000;
    static final String CONTENT_TYPE = "application/octet-stream";

    final S3Client s3;
    final S3StoreConfig config;
    final boolean md5;
    private final boolean signed;
    final boolean flexible;
    final PartBufferPool pool;
    final ExecutorService executor;

    ObjectWriter(S3Client s3, S3StoreConfig config, PartBufferPool pool, ExecutorService executor) {
        this.s3 = s3;
        this.config = config;
        this.md5 = config.effectiveChecksums() == ChecksumStrategy.CONTENT_MD5;
        this.signed = config.effectiveChecksums() == ChecksumStrategy.SHA256;
        this.flexible = config.effectiveChecksums() == ChecksumStrategy.FLEXIBLE;
        this.pool = pool;
        this.executor = executor;
    }

    /** Writes the request (with {@code If-None-Match: *} when {@code ifNoneMatch}); returns the new version id. */
    String write(PutRequest request, boolean ifNoneMatch) {
        long size = request.source().size();
        try (ObjectSource.Reader reader = request.source().open()) {
            return size <= config.multipartThreshold()
                    ? writeSingle(request, reader, ifNoneMatch)
                    : new MultipartUpload(this, request, reader, ifNoneMatch).run();
        } catch (IOException e) {
            throw sourceFailure(request, 0, e);
        }
    }

    private String writeSingle(PutRequest request, ObjectSource.Reader reader, boolean ifNoneMatch) {
        int size = (int) request.source().size();
        byte[] buffer = acquireUninterruptibly(request, size);
        try {
            readFully(request, reader, buffer, size, 0);
            if (!signed) {
                // signed: the signer hashes the body and SignedPayloadGuard compares it with the request's SHA-256
                requireSha256(request, Hashes.sha256Hex(buffer, size));
            }
            PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(config.bucket()).key(request.key())
                    .contentLength((long) size).contentType(CONTENT_TYPE)
                    .metadata(Map.of(SHA256_METADATA, request.sha256()))
                    .objectLockMode(lockMode(request.retention().mode()))
                    .objectLockRetainUntilDate(request.retention().retainUntil());
            if (md5) {
                put.contentMD5(Hashes.md5Base64(buffer, size));
            } else if (flexible) {
                put.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
            }
            if (ifNoneMatch) {
                put.ifNoneMatch("*");
            }
            try {
                return s3.putObject(put.build(), body(buffer, size)).versionId();
            } catch (RuntimeException e) {
                throw refusedPayload(e).orElseGet(() -> S3Errors.mapLockedWrite(config.bucket(), request.key(), "PutObject", e));
            }
        } finally {
            pool.release(buffer);
        }
    }

    private byte[] acquireUninterruptibly(PutRequest request, int size) {
        try {
            return pool.acquire(size, () -> false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(request.key(), "interrupted while waiting for a buffer to upload "
                    + request.key(), e);
        }
    }

    static RequestBody body(byte[] buffer, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length, CONTENT_TYPE);
    }

    static ObjectLockMode lockMode(LockMode mode) {
        return mode == LockMode.GOVERNANCE ? ObjectLockMode.GOVERNANCE : ObjectLockMode.COMPLIANCE;
    }

    /** The guard's refusal to send a body, as the IntegrityException it stands for. */
    static Optional<ObjectStoreException> refusedPayload(RuntimeException e) {
        return SignedPayloadGuard.PayloadMismatchException.in(e)
                .map(p -> new IntegrityException(p.key(), p.getMessage(), e));
    }

    static void requireSha256(PutRequest request, String actual) {
        if (!actual.equals(request.sha256())) {
            throw new IntegrityException(request.key(), "the bytes of " + request.source().describe() + " hash to "
                    + actual + ", not the " + request.sha256() + " the request for " + request.key()
                    + " names (the source changed after it was hashed); nothing was written", null);
        }
    }

    static void readFully(PutRequest request, ObjectSource.Reader reader, byte[] buffer, int length,
                                  long position) {
        try {
            reader.readFully(ByteBuffer.wrap(buffer, 0, length), position);
        } catch (IOException e) {
            throw sourceFailure(request, position, e);
        }
    }

    private static ObjectStoreException sourceFailure(PutRequest request, long position, IOException e) {
        return new ObjectStoreException(request.key(), "cannot read " + request.source().describe() + " at byte "
                + position + " to upload " + request.key() + ": " + e.getMessage(), e);
    }

    /** Part size for an object of {@code size} bytes: the configured size, raised to stay within 10,000 parts. */
    long partSize(long size) {
        long minimum = (size + MAX_PARTS - 1) / MAX_PARTS;
        long mib = 1024L * 1024;
        return Math.max(config.partSize(), (minimum + mib - 1) / mib * mib);
    }
}
