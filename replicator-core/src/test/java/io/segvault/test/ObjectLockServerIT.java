package io.segvault.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRetentionResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Proves the test S3 server is real: it enforces COMPLIANCE-mode Object Lock the way the product
 * relies on. If this fails, every other IT's assurance is void.
 */
@ExtendWith(LockedBucketExtension.class)
class ObjectLockServerIT {

    @Test
    void compliance_lock_cannot_be_deleted_or_shortened(LockedBucket bucket) throws Exception {
        byte[] body = "locked bytes".getBytes(StandardCharsets.UTF_8);
        Instant until = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        PutObjectResponse put = bucket.s3().putObject(b -> b.bucket(bucket.name()).key("k/locked")
                        .objectLockMode(ObjectLockMode.COMPLIANCE).objectLockRetainUntilDate(until)
                        .contentMD5(md5(body)),
                RequestBody.fromBytes(body));
        String version = put.versionId();
        assertThat(version).as("versioned bucket returns a version id").isNotBlank();

        GetObjectRetentionResponse retention = bucket.s3().getObjectRetention(
                b -> b.bucket(bucket.name()).key("k/locked").versionId(version));
        assertThat(retention.retention().mode()).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
        assertThat(retention.retention().retainUntilDate()).isEqualTo(until);

        assertThatThrownBy(() -> bucket.s3().deleteObject(
                b -> b.bucket(bucket.name()).key("k/locked").versionId(version)))
                .as("deleting a COMPLIANCE-locked version")
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));

        assertThatThrownBy(() -> bucket.s3().deleteObject(b -> b.bucket(bucket.name()).key("k/locked")
                        .versionId(version).bypassGovernanceRetention(true)))
                .as("deleting with the governance bypass header")
                .isInstanceOf(S3Exception.class);

        Instant shorter = until.minus(1, ChronoUnit.HOURS);
        assertThatThrownBy(() -> bucket.s3().putObjectRetention(b -> b.bucket(bucket.name()).key("k/locked")
                        .versionId(version)
                        .retention(r -> r.mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(shorter))))
                .as("shortening a COMPLIANCE retain-until date")
                .isInstanceOf(S3Exception.class);

        assertThatThrownBy(() -> bucket.s3().putObjectRetention(b -> b.bucket(bucket.name()).key("k/locked")
                        .versionId(version)
                        .retention(r -> r.mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(until))))
                .as("switching COMPLIANCE to GOVERNANCE")
                .isInstanceOf(S3Exception.class);

        Instant longer = until.plus(1, ChronoUnit.DAYS);
        bucket.s3().putObjectRetention(b -> b.bucket(bucket.name()).key("k/locked").versionId(version)
                .retention(r -> r.mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(longer)));
        assertThat(bucket.s3().getObjectRetention(b -> b.bucket(bucket.name()).key("k/locked").versionId(version))
                .retention().retainUntilDate()).as("extending is allowed").isEqualTo(longer);
    }

    @Test
    void plain_delete_only_adds_a_marker_and_the_version_stays_readable(LockedBucket bucket) throws Exception {
        byte[] body = "still here".getBytes(StandardCharsets.UTF_8);
        Instant until = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String version = bucket.s3().putObject(b -> b.bucket(bucket.name()).key("k/marker")
                        .objectLockMode(ObjectLockMode.COMPLIANCE).objectLockRetainUntilDate(until)
                        .contentMD5(md5(body)),
                RequestBody.fromBytes(body)).versionId();

        DeleteObjectResponse marker = bucket.s3().deleteObject(b -> b.bucket(bucket.name()).key("k/marker"));
        assertThat(marker.deleteMarker()).as("a plain delete writes a delete marker").isTrue();

        assertThatThrownBy(() -> bucket.s3().getObjectAsBytes(b -> b.bucket(bucket.name()).key("k/marker")))
                .as("the key itself now reads as deleted")
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        byte[] read = bucket.s3().getObjectAsBytes(b -> b.bucket(bucket.name()).key("k/marker").versionId(version))
                .asByteArray();
        assertThat(read).as("the locked version is still readable by id").isEqualTo(body);
    }

    @Test
    void wrong_content_md5_is_refused(LockedBucket bucket) throws Exception {
        byte[] body = "payload".getBytes(StandardCharsets.UTF_8);
        String wrong = md5("other payload".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> bucket.s3().putObject(b -> b.bucket(bucket.name()).key("k/md5").contentMD5(wrong),
                RequestBody.fromBytes(body)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(400));
    }

    static String md5(byte[] body) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
