package io.segvault.core.store.s3;

import io.segvault.core.store.BucketStatus;
import io.segvault.core.store.LockMode;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.DefaultRetention;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

/** Bucket-level operations: the preflight check and the clean-up of stale multipart uploads. */
final class S3BucketOperations {

    private static final String LOCK_NOT_FOUND = "ObjectLockConfigurationNotFoundError";

    private final S3Client s3;
    private final String bucket;

    S3BucketOperations(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /**
     * Versioning, Object Lock and default retention. A missing bucket throws BucketMisconfiguredException and a
     * refused read throws StoreAccessDeniedException: neither is reported as "disabled".
     */
    BucketStatus preflight() {
        boolean versioning;
        try {
            versioning = s3.getBucketVersioning(b -> b.bucket(bucket)).status() == BucketVersioningStatus.ENABLED;
        } catch (RuntimeException e) {
            throw S3Errors.map(bucket, null, "GetBucketVersioning", e);
        }
        ObjectLockConfiguration lock;
        try {
            lock = s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration();
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() == null || !LOCK_NOT_FOUND.equals(e.awsErrorDetails().errorCode())) {
                throw S3Errors.map(bucket, null, "GetObjectLockConfiguration", e);
            }
            lock = null; // the one answer that means "this bucket has no Object Lock"
        } catch (RuntimeException e) {
            throw S3Errors.map(bucket, null, "GetObjectLockConfiguration", e);
        }
        boolean objectLock = lock != null && lock.objectLockEnabled() == ObjectLockEnabled.ENABLED;
        DefaultRetention retention = lock == null || lock.rule() == null ? null : lock.rule().defaultRetention();
        LockMode mode = LockMode.NONE;
        Duration period = null;
        if (retention != null && retention.mode() != null) {
            mode = retention.mode() == ObjectLockRetentionMode.COMPLIANCE ? LockMode.COMPLIANCE : LockMode.GOVERNANCE;
            period = retention.days() != null ? Duration.ofDays(retention.days())
                    : retention.years() != null ? Duration.ofDays(365L * retention.years()) : null;
        }
        return new BucketStatus(bucket, versioning, objectLock, mode, period);
    }

    int abortStaleUploads(String prefix, Instant initiatedBefore) {
        int aborted = 0;
        try {
            for (ListMultipartUploadsResponse page : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix))) {
                for (MultipartUpload upload : page.uploads()) {
                    if (upload.initiated() != null && upload.initiated().isBefore(initiatedBefore) && abort(upload)) {
                        aborted++;
                    }
                }
            }
        } catch (RuntimeException e) {
            throw S3Errors.map(bucket, null, "ListMultipartUploads prefix " + prefix, e);
        }
        return aborted;
    }

    private boolean abort(MultipartUpload upload) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
            return true;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                return false; // completed or aborted meanwhile
            }
            throw S3Errors.map(bucket, upload.key(), "AbortMultipartUpload " + upload.uploadId(), e);
        }
    }
}
