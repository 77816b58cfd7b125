package io.segvault.core.store.s3;

import io.segvault.core.store.BucketMisconfiguredException;
import io.segvault.core.store.IntegrityException;
import io.segvault.core.store.ObjectConflictException;
import io.segvault.core.store.ObjectNotFoundException;
import io.segvault.core.store.ObjectStoreException;
import io.segvault.core.store.StoreAccessDeniedException;
import io.segvault.core.store.StoreUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Maps SDK failures to the port's typed exceptions. Every mapped exception keeps the key and the SDK
 * exception as its cause; the message says which operation on which bucket/key failed and why.
 */
final class S3Errors {

    private static final Set<String> THROTTLING = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "RequestLimitExceeded", "TooManyRequests", "RequestTimeout", "RequestTimeTooSkewed", "ServiceUnavailable",
            "InternalError");
    private static final Set<String> MISCONFIGURED = Set.of("NoSuchBucket", "ObjectLockConfigurationNotFoundError",
            "InvalidBucketState");

    private S3Errors() {
    }

    /**
     * Maps {@code e}, raised by {@code operation} on {@code key} (null for bucket-level operations) in
     * {@code bucket}, to an {@link ObjectStoreException}; an ObjectStoreException passes through unchanged.
     */
    static ObjectStoreException map(String bucket, String key, String operation, RuntimeException e) {
        if (e instanceof ObjectStoreException ose) {
            return ose;
        }
        String where = operation + " " + (key == null ? "bucket " + bucket : "s3://" + bucket + "/" + key);
        if (e instanceof AwsServiceException service) {
            return mapService(key, where, service);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new StoreUnavailableException(key, where + " timed out: " + e.getMessage(), e);
        }
        if (e instanceof AbortedException) {
            return new StoreUnavailableException(key, where + " was interrupted", e);
        }
        if (e instanceof SdkClientException && hasIoCause(e) || e instanceof UncheckedIOException) {
            return new StoreUnavailableException(key, where + " failed on the network: " + rootMessage(e), e);
        }
        if (e instanceof SdkException) {
            return new ObjectStoreException(key, where + " failed in the S3 client: " + e.getMessage(), e);
        }
        return new ObjectStoreException(key, where + " failed: " + e, e);
    }

    /**
     * Like {@link #map}, for a write that carries Object Lock headers (PutObject, CreateMultipartUpload):
     * a bare 400 InvalidRequest there means the bucket has no Object Lock (AWS says "Bucket is missing
     * Object Lock Configuration", Ceph RGW sends no message at all).
     */
    static ObjectStoreException mapLockedWrite(String bucket, String key, String operation, RuntimeException e) {
        if (e instanceof AwsServiceException s && s.statusCode() == 400 && s.awsErrorDetails() != null
                && "InvalidRequest".equals(s.awsErrorDetails().errorCode())
                && (blank(s.awsErrorDetails().errorMessage()) || lockNotConfigured(400, "InvalidRequest", s.getMessage()))) {
            return new BucketMisconfiguredException(key, operation + " s3://" + bucket + "/" + key + " with an Object "
                    + "Lock was refused (HTTP 400 InvalidRequest): bucket " + bucket + " has no Object Lock "
                    + "configuration; run preflight", e);
        }
        return map(bucket, key, operation, e);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static ObjectStoreException mapService(String key, String where, AwsServiceException e) {
        int status = e.statusCode();
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String detail = " (HTTP " + status + (code == null ? "" : " " + code) + ", request id " + e.requestId() + ")";
        if (code != null && MISCONFIGURED.contains(code) || lockNotConfigured(status, code, e.getMessage())) {
            return new BucketMisconfiguredException(key, where + ": the bucket is missing or has no Object Lock"
                    + detail, e);
        }
        return switch (status) {
            case 403 -> new StoreAccessDeniedException(key, where + " was denied: the credential may not do this"
                    + detail, e);
            case 404 -> new ObjectNotFoundException(key, where + ": no such object or version" + detail, e);
            case 405 -> "MethodNotAllowed".equals(code)
                    ? new ObjectNotFoundException(key, where + ": the version is a delete marker" + detail, e)
                    : refused(key, where, detail, e);
            case 409, 412 -> new ObjectConflictException(key, where + " lost to another write (precondition failed)"
                    + detail, e);
            default -> mapOther(key, where, detail, code, e);
        };
    }

    private static ObjectStoreException mapOther(String key, String where, String detail, String code,
                                                 AwsServiceException e) {
        if ("BadDigest".equals(code) || "XAmzContentSHA256Mismatch".equals(code) || "InvalidDigest".equals(code)) {
            return new IntegrityException(key, where + ": the server received other bytes than were sent" + detail, e);
        }
        int status = e.statusCode();
        boolean transientStatus = status == 429 || status >= 500 && status != 501;
        if (transientStatus || code != null && THROTTLING.contains(code) || e.isThrottlingException()) {
            return new StoreUnavailableException(key, where + " failed on the server side, try again later" + detail, e);
        }
        return refused(key, where, detail, e);
    }

    private static ObjectStoreException refused(String key, String where, String detail, AwsServiceException e) {
        return new ObjectStoreException(key, where + " was refused" + detail + ": " + e.getMessage(), e);
    }

    private static boolean lockNotConfigured(int status, String code, String message) {
        return status == 400 && "InvalidRequest".equals(code) && message != null
                && message.toLowerCase(Locale.ROOT).contains("object lock");
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }
}
