package io.segvault.test;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * A fresh bucket with Object Lock enabled on the test S3 server, handed to a test method or
 * constructor by {@link LockedBucketExtension}. The bucket is never emptied: its objects are locked.
 *
 * @param server the server it lives on
 * @param name   bucket name, derived from the test's name
 * @param s3     a plain SDK client for set-up and inspection (closed after the test)
 */
public record LockedBucket(S3TestServer server, String name, S3Client s3) {
}
