package io.segvault.core.store;

/** The role that reads the bucket's own settings (preflight, audit, the lock canary). */
public interface BucketInspector {

    /** The bucket name (for messages). */
    String bucket();

    /** Reports versioning, Object Lock and default retention of the bucket. */
    BucketStatus preflight();
}
