package io.segvault.core.store.s3;

import io.segvault.core.lockproof.LockCheck;
import io.segvault.core.lockproof.LockCheck.Outcome;
import io.segvault.core.lockproof.LockProof;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Response;

/**
 * The lock canary ({@code segvault prove-lock}): writes one tiny object locked in COMPLIANCE mode and then tries, with
 * the credential it was given, to undo the lock in every way S3 offers, expecting each refused.
 *
 * <p>A refusal counts as the lock's only when the same credential may make the same request where no lock stands in
 * the way: each 403 is followed by a control request without side effects (a delete of a version of a key that does
 * not exist, the same retention on a missing key, a re-put of the unchanged lock configuration). A 403 on the control
 * too means IAM or a bucket policy refused first and the check proves nothing. Measured on Ceph RGW 16: a locked delete answers
 * {@code 403 AccessDenied "forbidden by object lock"}, a bucket policy's deny {@code 403 AccessDenied} with no message.
 *
 * <p>Leaves only the locked canary. Where the bucket has a default retention the overwrite check's version is locked
 * explicitly until the canary's date (else the default would lock it, perhaps for years) and stays beside it; elsewhere
 * it is written unlocked and deleted again. On a bucket without Object Lock the canary is written unlocked and
 * everything it wrote is deleted again.
 */
public final class S3LockProver implements AutoCloseable {

    private static final String NO_LOCK_CONFIGURATION = "ObjectLockConfigurationNotFoundError";

    private final S3Client s3;
    private final String bucket;
    private final Clock clock;

    private S3LockProver(S3StoreConfig config, Clock clock, List<ExecutionInterceptor> interceptors) {
        this.s3 = S3Clients.build(config, new S3RequestMetrics(config.meterRegistry()), interceptors);
        this.bucket = config.bucket();
        this.clock = clock;
    }

    /** A prover for {@code config}'s bucket, credentials from the AWS default provider chain. */
    public static S3LockProver create(S3StoreConfig config, Clock clock) {
        return new S3LockProver(config, clock, List.of());
    }

    /**
     * Writes the canary {@code canaryKey} locked until {@code retainUntil} and runs every check. Throws an
     * {@link io.segvault.core.store.ObjectStoreException} when the server cannot be reached or the bucket is missing.
     */
    public LockProof prove(String canaryKey, Instant retainUntil) {
        ObjectLockConfiguration configuration = lockConfiguration();
        boolean locked = enabled(configuration);
        // the overwrite gets the canary's date only where the bucket's default retention would otherwise lock it longer;
        // elsewhere it is written unlocked and deleted again, so the canary is the only thing left
        boolean lockOverwrite = locked && configuration.rule() != null && configuration.rule().defaultRetention() != null;
        byte[] body = ("segvault lock canary, COMPLIANCE until " + retainUntil + "\n").getBytes(StandardCharsets.UTF_8);
        String version;
        try {
            version = put(canaryKey, body, locked ? retainUntil : null).versionId();
        } catch (AwsServiceException e) {
            if (e.statusCode() != 403) {
                throw S3Errors.mapLockedWrite(bucket, canaryKey, "PutObject (canary)", e);
            }
            return new LockProof(bucket, canaryKey, null, retainUntil, locked, List.of(), "the credential may not write the "
                    + "canary (PutObject: " + LockAnswers.answer(e) + "): IAM refused before the lock could be tested");
        } catch (RuntimeException e) {
            throw S3Errors.map(bucket, canaryKey, "PutObject (canary)", e);
        }
        Canary canary = new Canary(canaryKey, version, body, retainUntil, locked, lockOverwrite);
        List<LockCheck> checks = new ArrayList<>();
        try {
            checks.add(overwrite(canary));
            checks.add(retention(canary, "shorten-retention", ObjectLockRetentionMode.COMPLIANCE, shorter(retainUntil)));
            checks.add(retention(canary, "switch-to-governance", ObjectLockRetentionMode.GOVERNANCE, retainUntil));
            checks.add(disableLock(locked));
            checks.add(delete(canary, "delete-version", false));
            checks.add(canaryGone(canary) ? LockAnswers.notRun("delete-bypass-governance", "delete-version") : delete(canary,
                    "delete-bypass-governance", true));
        } catch (RuntimeException e) {
            throw S3Errors.map(bucket, canaryKey, "prove-lock", e);
        } finally {
            if (!locked || !lockOverwrite) {
                cleanUp(canary, !locked);
            }
        }
        return new LockProof(bucket, canaryKey, version, retainUntil, locked, checks, null);
    }

    /** The canary and what the checks learnt about it. */
    private static final class Canary {
        final String key;
        final String version;
        final byte[] body;
        final Instant retainUntil;
        final boolean locked;
        final boolean lockOverwrite;
        String overwriteVersion;

        Canary(String key, String version, byte[] body, Instant retainUntil, boolean locked, boolean lockOverwrite) {
            this.key = key;
            this.version = version;
            this.body = body;
            this.retainUntil = retainUntil;
            this.locked = locked;
            this.lockOverwrite = lockOverwrite;
        }

        /** A key next to the canary that does not exist: the control requests' target. */
        String absentKey() {
            return key + ".absent";
        }
    }

    private static boolean enabled(ObjectLockConfiguration c) {
        return c != null && c.objectLockEnabled() == ObjectLockEnabled.ENABLED;
    }

    /** The bucket's Object Lock configuration, null when it has none. */
    private ObjectLockConfiguration lockConfiguration() {
        try {
            return s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration();
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() != null && NO_LOCK_CONFIGURATION.equals(e.awsErrorDetails().errorCode())) {
                return null;
            }
            throw S3Errors.map(bucket, null, "GetObjectLockConfiguration", e);
        } catch (RuntimeException e) {
            throw S3Errors.map(bucket, null, "GetObjectLockConfiguration", e);
        }
    }

    private PutObjectResponse put(String key, byte[] body, Instant retainUntil) {
        PutObjectRequest.Builder req = PutObjectRequest.builder().bucket(bucket).key(key).contentLength((long) body.length)
                .contentType("text/plain");
        if (retainUntil != null) {
            req.objectLockMode(ObjectLockMode.COMPLIANCE).objectLockRetainUntilDate(retainUntil);
        }
        return s3.putObject(req.build(), RequestBody.fromBytes(body));
    }

    /** Halfway between now and the canary's date: still in the future, so only the lock can refuse it. */
    private Instant shorter(Instant retainUntil) {
        Instant now = clock.instant();
        return now.plus(Duration.between(now, retainUntil).dividedBy(2));
    }

    private LockCheck overwrite(Canary c) {
        String name = "overwrite-keeps-version";
        byte[] other = ("segvault lock canary overwrite\n").getBytes(StandardCharsets.UTF_8);
        PutObjectResponse written;
        try {
            written = put(c.key, other, c.lockOverwrite ? c.retainUntil : null);
        } catch (AwsServiceException e) {
            return new LockCheck(name, e.statusCode() == 403 ? Outcome.REFUSED_BY_IAM : Outcome.OTHER_ANSWER, LockAnswers.answer(e),
                    "the overwrite itself was refused, so nothing was learnt about the locked version");
        }
        c.overwriteVersion = written.versionId();
        String wrote = "HTTP " + written.sdkHttpResponse().statusCode() + " (new version " + written.versionId() + ")";
        byte[] read;
        try {
            read = s3.getObjectAsBytes(b -> b.bucket(bucket).key(c.key).versionId(c.version)).asByteArray();
        } catch (AwsServiceException e) {
            return new LockCheck(name, Outcome.ALLOWED, wrote + "; then GET of the locked version: " + LockAnswers.answer(e),
                    "the overwrite replaced the locked version: it no longer reads back by its version id");
        }
        if (c.version == null || c.version.equals(written.versionId()) || !Arrays.equals(read, c.body)) {
            return new LockCheck(name, Outcome.ALLOWED, wrote, "the overwrite replaced the locked version's bytes (version "
                    + c.version + ")");
        }
        return new LockCheck(name, Outcome.KEPT, wrote, "the locked version still reads back unchanged by its version id");
    }

    private LockCheck retention(Canary c, String name, ObjectLockRetentionMode mode, Instant until) {
        return LockAnswers.judge(name, () -> s3.putObjectRetention(b -> b.bucket(bucket).key(c.key).versionId(c.version)
                        .retention(r -> r.mode(mode).retainUntilDate(until))),
                () -> s3.putObjectRetention(b -> b.bucket(bucket).key(c.absentKey())
                        .retention(r -> r.mode(mode).retainUntilDate(until))),
                "the server changed the canary's retention to " + mode + " until " + until);
    }

    private LockCheck delete(Canary c, String name, boolean bypass) {
        LockCheck check = LockAnswers.judge(name, () -> s3.deleteObject(b -> b.bucket(bucket).key(c.key).versionId(c.version)
                        .bypassGovernanceRetention(bypass ? Boolean.TRUE : null)),
                () -> s3.deleteObject(b -> b.bucket(bucket).key(c.absentKey()).versionId("null")
                        .bypassGovernanceRetention(bypass ? Boolean.TRUE : null)),
                "the server accepted the delete of the locked version");
        if (check.outcome() == Outcome.ALLOWED) {
            String after = canaryGone(c) ? "and the version is gone" : "though the version still answers HEAD (it said yes "
                    + "and kept it)";
            return new LockCheck(name, Outcome.ALLOWED, check.answer(), check.detail() + ", " + after);
        }
        return check;
    }

    /**
     * S3 has no request that removes Object Lock from a bucket (there is no DeleteObjectLockConfiguration): the nearest
     * is a PutObjectLockConfiguration with {@code ObjectLockEnabled=Disabled}, which a conforming server rejects as
     * malformed. Passed when the server did not accept it and the configuration still reads Enabled afterwards.
     */
    private LockCheck disableLock(boolean locked) {
        String name = "disable-object-lock";
        if (!locked) {
            return new LockCheck(name, Outcome.OTHER_ANSWER, "GetObjectLockConfiguration: " + NO_LOCK_CONFIGURATION,
                    "the bucket has no Object Lock configuration: there is nothing to remove");
        }
        LockCheck check = LockAnswers.judge(name, () -> s3.putObjectLockConfiguration(b -> b.bucket(bucket)
                        .objectLockConfiguration(c -> c.objectLockEnabled("Disabled"))),
                this::reputLockConfiguration, "the server accepted ObjectLockEnabled=Disabled");
        boolean still = enabled(lockConfiguration());
        if (check.outcome() == Outcome.ALLOWED || !still) {
            return new LockCheck(name, Outcome.ALLOWED, check.answer(), check.detail() + "; re-read: Object Lock "
                    + (still ? "still enabled" : "now off"));
        }
        if (check.outcome() == Outcome.OTHER_ANSWER) {
            return new LockCheck(name, Outcome.NO_SUCH_REQUEST, check.answer(), "no S3 request removes Object Lock; "
                    + "PutObjectLockConfiguration with ObjectLockEnabled=Disabled was rejected and the re-read says Enabled");
        }
        return check;
    }

    /** The control for disable-object-lock: puts the configuration the bucket has now, which changes nothing. */
    private S3Response reputLockConfiguration() {
        ObjectLockConfiguration current = s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration();
        return s3.putObjectLockConfiguration(b -> b.bucket(bucket).objectLockConfiguration(current));
    }

    private boolean canaryGone(Canary c) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(c.key).versionId(c.version));
            return false;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404 || e.statusCode() == 405) {
                return true;
            }
            throw e;
        }
    }

    /** Deletes the unlocked overwrite version and, on a bucket without Object Lock, the canary itself. */
    private void cleanUp(Canary c, boolean canaryToo) {
        for (String v : new String[] {c.overwriteVersion, canaryToo ? c.version : null}) {
            if (v != null) {
                try {
                    s3.deleteObject(b -> b.bucket(bucket).key(c.key).versionId(v));
                } catch (RuntimeException e) {
                    // best effort: an unlocked version; where it stays (IAM refuses deletes) it protects nothing
                }
            }
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
