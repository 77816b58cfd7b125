package io.segvault.core.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Result of the preflight check of a bucket.
 *
 * @param bucket            bucket name
 * @param versioning        whether versioning is enabled
 * @param objectLock        whether Object Lock is enabled
 * @param defaultMode       default retention mode, {@link LockMode#NONE} when the bucket has none
 * @param defaultRetention  default retention period, null when none
 */
public record BucketStatus(String bucket, boolean versioning, boolean objectLock, LockMode defaultMode,
                           Duration defaultRetention) {

    /** What is missing for segvault to write here, each as one sentence with the fix; empty when ready. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!objectLock) {
            problems.add("bucket " + bucket + " does not have Object Lock enabled; Object Lock can only be enabled "
                    + "when a bucket is created (or through AWS support): create it with terraform/modules/bucket "
                    + "(object_lock_enabled = true)");
        }
        if (!versioning) {
            problems.add("bucket " + bucket + " does not have versioning enabled; enable it (terraform/modules/bucket "
                    + "does) - Object Lock requires it");
        }
        return problems;
    }

    /** Short description for logs and the preflight command. */
    public String describe() {
        String retention = defaultMode == LockMode.NONE || defaultRetention == null
                ? "no default retention"
                : "default retention " + defaultMode + " " + defaultRetention.toDays() + " days";
        return "bucket " + bucket + ": versioning " + (versioning ? "enabled" : "NOT enabled") + ", Object Lock "
                + (objectLock ? "enabled" : "NOT enabled") + ", " + retention;
    }
}
