package io.segvault.core.store.s3;

import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.ObjectStoreException;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.StoreUnavailableException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One multipart upload of an {@link ObjectWriter}: parts read in order on the calling thread (which also computes the
 * full SHA-256), sent in parallel on the writer's executor, at most {@code partsInFlight} at a time; aborted on every
 * failure path.
 */
final class MultipartUpload {
    private final ObjectWriter writer;
    private final S3Client s3;
    private final S3StoreConfig config;
    private final PutRequest request;
    private final ObjectSource.Reader reader;
    private final boolean ifNoneMatch;
    private final long size;
    private final long partSize;
    private final int parts;
    private final Semaphore inFlight;
    private final AtomicReference<ObjectStoreException> failure = new AtomicReference<>();
    private String uploadId;

    MultipartUpload(ObjectWriter writer, PutRequest request, ObjectSource.Reader reader, boolean ifNoneMatch) {
        this.writer = writer;
        this.s3 = writer.s3;
        this.config = writer.config;
        this.inFlight = new Semaphore(config.partsInFlight());
        this.request = request;
        this.reader = reader;
        this.ifNoneMatch = ifNoneMatch;
        this.size = request.source().size();
        this.partSize = writer.partSize(size);
        this.parts = (int) ((size + partSize - 1) / partSize);
    }

    String run() {
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(config.bucket())
                .key(request.key()).contentType(ObjectWriter.CONTENT_TYPE).metadata(Map.of(ObjectWriter.SHA256_METADATA, request.sha256()))
                .objectLockMode(ObjectWriter.lockMode(request.retention().mode()))
                .objectLockRetainUntilDate(request.retention().retainUntil());
        if (writer.flexible) {
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
        ObjectWriter.requireSha256(request, Hashes.hex(sha256.digest()));
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
            buffer = writer.pool.acquire(length, () -> failure.get() != null);
            if (buffer == null) {
                inFlight.release();
                return false;
            }
            ObjectWriter.readFully(request, reader, buffer, length, offset);
            sha256.update(buffer, 0, length);
            byte[] body = buffer;
            writer.executor.execute(() -> sendPart(index, body, length, completed));
            return true;
        } catch (RuntimeException | InterruptedException e) {
            if (buffer != null) {
                writer.pool.release(buffer);
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
            writer.pool.release(buffer);
            inFlight.release();
        }
    }

    private CompletedPart uploadPart(int partNumber, byte[] buffer, int length) {
        UploadPartRequest.Builder part = UploadPartRequest.builder().bucket(config.bucket()).key(request.key())
                .uploadId(uploadId).partNumber(partNumber).contentLength((long) length);
        if (writer.md5) {
            part.contentMD5(Hashes.md5Base64(buffer, length));
        } else if (writer.flexible) {
            part.checksumAlgorithm(ChecksumAlgorithm.CRC32_C);
        }
        try {
            UploadPartResponse response = s3.uploadPart(part.build(), ObjectWriter.body(buffer, length));
            return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag())
                    .checksumCRC32C(response.checksumCRC32C()).build();
        } catch (RuntimeException e) {
            throw ObjectWriter.refusedPayload(e).orElseGet(() -> S3Errors.map(config.bucket(), request.key(),
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
