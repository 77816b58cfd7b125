package io.segvault.test;

import io.segvault.core.manifest.ManifestCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/**
 * Root on the backup server, as the threat model has it: the agent's S3 credential used through the plain S3 API. It
 * writes any bytes with any metadata anywhere under the prefix, always COMPLIANCE-locked (the bucket refuses anything
 * else), and reads everything; it cannot delete or shorten a lock.
 *
 * @param bucket the bucket, reached with the same credential the rig's agent uses
 */
public record Attacker(LockedBucket bucket) {

    /** PUTs {@code body} at {@code key} with {@code metadata}, locked for a day; returns the version id the server set. */
    public String plant(String key, byte[] body, Map<String, String> metadata) {
        return bucket.s3().putObject(b -> b.bucket(bucket.name()).key(key).metadata(metadata)
                        .objectLockMode(ObjectLockMode.COMPLIANCE).objectLockRetainUntilDate(Instant.now().plus(Duration.ofDays(1))),
                RequestBody.fromBytes(body)).versionId();
    }

    /** PUTs {@code body} at {@code key} with its true SHA-256 in the metadata, as segvault writes it. */
    public String plant(String key, byte[] body) {
        return plant(key, body, Map.of("sha256", ManifestCodec.sha256(body)));
    }

    /** The exact bytes of one version. */
    public byte[] read(String key, String versionId) {
        return bucket.s3().getObjectAsBytes(b -> b.bucket(bucket.name()).key(key).versionId(versionId)).asByteArray();
    }
}
