package io.segvault.core.lockproof;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything one prove-lock run found.
 *
 * @param bucket        the bucket
 * @param canaryKey     the canary's key ({@code <prefix>.canary/...})
 * @param canaryVersion its version id; null when the canary could not be written
 * @param retainUntil   its COMPLIANCE retain-until date (it cannot be removed before then)
 * @param bucketLocked  whether the bucket answered with an enabled Object Lock configuration
 * @param checks        the checks in the order they ran
 * @param cannotProve   why nothing could be proved at all (IAM refused the canary's write), else null
 */
public record LockProof(String bucket, String canaryKey, String canaryVersion, Instant retainUntil, boolean bucketLocked,
                        List<LockCheck> checks, String cannotProve) {

    public LockProof {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(canaryKey, "canaryKey");
        Objects.requireNonNull(retainUntil, "retainUntil");
        checks = List.copyOf(checks);
    }

    /** Every check ran and passed: the server enforces COMPLIANCE. */
    public boolean proven() {
        return cannotProve == null && !checks.isEmpty() && checks.stream().allMatch(LockCheck::passed);
    }

    /** Checks with {@code outcome}. */
    public List<LockCheck> with(LockCheck.Outcome outcome) {
        return checks.stream().filter(c -> c.outcome() == outcome).toList();
    }

    /** Checks that did not pass. */
    public List<LockCheck> failed() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }
}
