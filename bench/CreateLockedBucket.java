import java.net.URI;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** bench/pull-mode.sh: creates a bucket with Object Lock (and so versioning) on $SEGVAULT_TEST_S3_ENDPOINT. */
public final class CreateLockedBucket {
    public static void main(String[] args) {
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(System.getenv("SEGVAULT_TEST_S3_ENDPOINT")))
                .region(Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1"))).forcePathStyle(true).build()) {
            s3.createBucket(b -> b.bucket(args[0]).objectLockEnabledForBucket(true));
        }
    }
}
