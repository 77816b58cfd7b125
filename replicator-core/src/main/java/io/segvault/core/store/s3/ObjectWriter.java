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
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

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
    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3Client s3;
    private final S3StoreConfig config;
    private final boolean md5;
    private final boolean signed;
    private final boolean flexible;
    private final PartBufferPool pool;
    private final ExecutorService executor;

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
                    : new Upload(request, reader, ifNoneMatch).run();
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
    private static Optional<ObjectStoreException> refusedPayload(RuntimeException e) {
        return SignedPayloadGuard.PayloadMismatchException.in(e)
                .map(p -> new IntegrityException(p.key(), p.getMessage(), e));
    }

    private static void requireSha256(PutRequest request, String actual) {
        if (!actual.equals(request.sha256())) {
            throw new IntegrityException(request.key(), "the bytes of " + request.source().describe() + " hash to "
                    + actual + ", not the " + request.sha256() + " the request for " + request.key()
                    + " names (the source changed after it was hashed); nothing was written", null);
        }
    }

    private static void readFully(PutRequest request, ObjectSource.Reader reader, byte[] buffer, int length,
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

    /** One multipart upload; see the class comment. */
    private final class Upload {
        private final PutRequest request;
        private final ObjectSource.Reader reader;
        private final boolean ifNoneMatch;
        private final long size;
        private final long partSize;
        private final int parts;
        private final Semaphore inFlight = new Semaphore(config.partsInFlight());
        private final AtomicReference<ObjectStoreException> failure = new AtomicReference<>();
        private String uploadId;

        Upload(PutRequest request, ObjectSource.Reader reader, boolean ifNoneMatch) {
            this.request = request;
            this.reader = reader;
            this.ifNoneMatch = ifNoneMatch;
            this.size = request.source().size();
            this.partSize = partSize(size);
            this.parts = (int) ((size + partSize - 1) / partSize);
        }

        String run() {
            CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(config.bucket())
                    .key(request.key()).contentType(CONTENT_TYPE).metadata(Map.of(SHA256_METADATA, request.sha256()))
                    .objectLockMode(lockMode(request.retention().mode()))
                    .objectLockRetainUntilDate(request.retention().retainUntil());
            if (flexible) {
                create.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
            }
            try {
                uploadId = s3.createMultipartUpload(create.build()).uploadId();
            } catch (RuntimeException e) {
                throw S3Errors.mapLockedWrite(config.bucket(), request.key(), "CreateMultipartUpload", e);
            }
            try {
                List<CompletedPart> completed = sendParts();
                return complete(completed);
            } catch (RuntimeException | Error e) {
                abort(e);
                throw e;
            }
        }

        private List<CompletedPart> sendParts() {
            CompletedPart[] completed = new CompletedPart[parts];
            MessageDigest sha256 = Hashes.sha256();
            try {
                for (int i = 0; i < parts && failure.get() == null; i++) {
                    if (!startPart(i, completed, sha256)) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(new StoreUnavailableException(request.key(), "interrupted while uploading " + request.key(), e));
            } catch (ObjectStoreException e) {
                fail(e);
            } catch (RuntimeException e) {
                fail(new ObjectStoreException(request.key(), "uploading " + request.key() + " failed: " + e, e));
            }
            inFlight.acquireUninterruptibly(config.partsInFlight()); // every started part has finished
            ObjectStoreException failed = failure.get();
            if (failed != null) {
                throw failed;
            }
            requireSha256(request, Hashes.hex(sha256.digest()));
            return Arrays.asList(completed);
        }

        /** Reads part {@code index} and hands it to the executor; false when the upload already failed. */
        private boolean startPart(int index, CompletedPart[] completed, MessageDigest sha256) throws InterruptedException {
            while (!inFlight.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                if (failure.get() != null) {
                    return false;
                }
            }
            long offset = index * partSize;
            int length = (int) Math.min(partSize, size - offset);
            byte[] buffer = null;
            try {
                buffer = pool.acquire(length, () -> failure.get() != null);
                if (buffer == null) {
                    inFlight.release();
                    return false;
                }
                readFully(request, reader, buffer, length, offset);
                sha256.update(buffer, 0, length);
                byte[] body = buffer;
                executor.execute(() -> sendPart(index, body, length, completed));
                return true;
            } catch (RuntimeException | InterruptedException e) {
                if (buffer != null) {
                    pool.release(buffer);
                }
                inFlight.release();
                if (e instanceof RejectedExecutionException) {
                    throw new StoreUnavailableException(request.key(), "the store is closed; upload of "
                            + request.key() + " stopped", e);
                }
                throw e;
            }
        }

        private void sendPart(int index, byte[] buffer, int length, CompletedPart[] completed) {
            try {
                if (failure.get() == null) {
                    completed[index] = uploadPart(index + 1, buffer, length);
                }
            } catch (ObjectStoreException e) {
                fail(e);
            } catch (RuntimeException e) {
                fail(new ObjectStoreException(request.key(), "UploadPart " + (index + 1) + " of " + request.key()
                        + " failed: " + e, e));
            } finally {
                pool.release(buffer);
                inFlight.release();
            }
        }

        private CompletedPart uploadPart(int partNumber, byte[] buffer, int length) {
            UploadPartRequest.Builder part = UploadPartRequest.builder().bucket(config.bucket()).key(request.key())
                    .uploadId(uploadId).partNumber(partNumber).contentLength((long) length);
            if (md5) {
                part.contentMD5(Hashes.md5Base64(buffer, length));
            } else if (flexible) {
                part.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
            }
            try {
                UploadPartResponse response = s3.uploadPart(part.build(), body(buffer, length));
                return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag())
                        .checksumCRC32C(response.checksumCRC32C()).build();
            } catch (RuntimeException e) {
                throw refusedPayload(e).orElseGet(() -> S3Errors.map(config.bucket(), request.key(),
                        "UploadPart " + partNumber + "/" + parts + " of upload " + uploadId, e));
            }
        }

        private void fail(ObjectStoreException e) {
            if (!failure.compareAndSet(null, e) && failure.get() != e) {
                failure.get().addSuppressed(e);
            }
        }

        private String complete(List<CompletedPart> completed) {
            try {
                return s3.completeMultipartUpload(b -> {
                    b.bucket(config.bucket()).key(request.key()).uploadId(uploadId)
                            .multipartUpload(m -> m.parts(completed));
                    if (ifNoneMatch) {
                        b.ifNoneMatch("*");
                    }
                }).versionId();
            } catch (RuntimeException e) {
                throw S3Errors.map(config.bucket(), request.key(), "CompleteMultipartUpload " + uploadId, e);
            }
        }

        /** Aborts the upload, also on an interrupted thread (the SDK refuses to send a request from one). */
        private void abort(Throwable cause) {
            boolean interrupted = Thread.interrupted();
            try {
                s3.abortMultipartUpload(b -> b.bucket(config.bucket()).key(request.key()).uploadId(uploadId));
            } catch (RuntimeException e) {
                cause.addSuppressed(S3Errors.map(config.bucket(), request.key(), "AbortMultipartUpload " + uploadId, e));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
