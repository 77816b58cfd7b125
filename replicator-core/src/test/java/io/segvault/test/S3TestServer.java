package io.segvault.test;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * The S3 server integration tests run against: one per JVM, chosen once.
 *
 * <ol>
 *   <li>{@code SEGVAULT_TEST_S3_ENDPOINT} set (scripts/test.sh sets it after starting the local Ceph
 *       RADOS Gateway): that endpoint, with credentials from {@code AWS_ACCESS_KEY_ID} /
 *       {@code AWS_SECRET_ACCESS_KEY} and region from {@code AWS_REGION} (default us-east-1).</li>
 *   <li>otherwise, when a Docker engine answers: LocalStack through Testcontainers, image
 *       {@value #LOCALSTACK_IMAGE}; {@code LOCALSTACK_AUTH_TOKEN} is passed on when set.</li>
 *   <li>otherwise the test fails, saying how to start a server. It never skips.</li>
 * </ol>
 */
public final class S3TestServer {

    /** Pinned: tags after 4.14 refuse to start without an auth token. */
    public static final String LOCALSTACK_IMAGE = "localstack/localstack:4.12";

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static volatile S3TestServer instance;

    private final URI endpoint;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final String kind;

    private S3TestServer(URI endpoint, Region region, AwsCredentialsProvider credentials, String kind) {
        this.endpoint = endpoint;
        this.region = region;
        this.credentials = credentials;
        this.kind = kind;
    }

    /** The server for this JVM; starts LocalStack on first use when no endpoint is configured. */
    public static synchronized S3TestServer get() {
        if (instance == null) {
            instance = locate();
        }
        return instance;
    }

    private static S3TestServer locate() {
        String configured = System.getenv("SEGVAULT_TEST_S3_ENDPOINT");
        if (configured != null && !configured.isBlank()) {
            String key = requireEnv("AWS_ACCESS_KEY_ID");
            String secret = requireEnv("AWS_SECRET_ACCESS_KEY");
            String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
            return new S3TestServer(URI.create(configured), Region.of(region),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)), "endpoint " + configured);
        }
        if (dockerAvailable()) {
            return startLocalStack();
        }
        throw new IllegalStateException("No S3 server with Object Lock for the integration tests: set "
                + "SEGVAULT_TEST_S3_ENDPOINT (+ AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), e.g. "
                + "`eval \"$(scripts/s3-server.sh start)\"`, or run scripts/test.sh, or start a Docker engine "
                + "so LocalStack (" + LOCALSTACK_IMAGE + ") can be used");
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @SuppressWarnings("resource") // lives for the JVM; Testcontainers' reaper removes it
    private static S3TestServer startLocalStack() {
        LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(LOCALSTACK_IMAGE))
                .withServices(LocalStackContainer.Service.S3);
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        if (token != null && !token.isBlank()) {
            container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
        }
        container.start();
        return new S3TestServer(container.getEndpoint(), Region.of(container.getRegion()),
                StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(container.getAccessKey(), container.getSecretKey())),
                "LocalStack " + LOCALSTACK_IMAGE);
    }

    private static String requireEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("SEGVAULT_TEST_S3_ENDPOINT is set but " + name + " is not");
        }
        return value;
    }

    public URI endpoint() {
        return endpoint;
    }

    public Region region() {
        return region;
    }

    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    /** Human-readable description, for test output. */
    public String kind() {
        return kind;
    }

    /**
     * A plain SDK client for test set-up and inspection: path-style, checksums only where required
     * (the Ceph gateway rejects the SDK's default trailing checksums), callers add Content-MD5.
     */
    public S3Client newClient() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
                .build();
    }

    /**
     * Creates a fresh bucket with Object Lock enabled (and so versioning on), named after the test.
     * S3 bucket names: 3-63 chars of lower-case letters, digits and hyphens.
     */
    public String createLockedBucket(S3Client s3, String testName) {
        String name = bucketName(testName);
        s3.createBucket(b -> b.bucket(name).objectLockEnabledForBucket(true));
        String status = s3.getBucketVersioning(b -> b.bucket(name)).statusAsString();
        if (!BucketVersioningStatus.ENABLED.toString().equals(status)) {
            throw new IllegalStateException("bucket " + name + " was created with Object Lock but versioning is "
                    + status);
        }
        return name;
    }

    /** Creates a plain bucket without Object Lock (for the negative tests). */
    public String createPlainBucket(S3Client s3, String testName) {
        String name = bucketName(testName);
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    static String bucketName(String testName) {
        String base = testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        String suffix = "-" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36) + "-"
                + BUCKETS.incrementAndGet();
        int room = 63 - suffix.length() - "sv-".length();
        if (base.length() > room) {
            base = base.substring(0, room).replaceAll("-+$", "");
        }
        return "sv-" + base + suffix;
    }
}
