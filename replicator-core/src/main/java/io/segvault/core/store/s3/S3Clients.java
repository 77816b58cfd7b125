package io.segvault.core.store.s3;

import io.segvault.core.store.s3.S3StoreConfig.ChecksumStrategy;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeProvider;

/** Builds the one SDK client a store uses, from its plain-Java config. */
final class S3Clients {

    private S3Clients() {
    }

    /**
     * Without trailing checksums bodies need no aws-chunked encoding. With {@code signPayload} the whole body's
     * SHA-256 goes in the signed {@code x-amz-content-sha256} header over HTTP and HTTPS alike (the server checks
     * it: that is the SHA256 strategy's checksum); without it, over HTTPS the body goes as UNSIGNED-PAYLOAD (TLS
     * and Content-MD5 protect it) while over plain HTTP the SDK signs it anyway. On Ceph RGW one whole-body hash
     * is markedly faster than the default per-chunk signatures (docs/benchmarks.md).
     */
    private static S3AuthSchemeProvider wholeBodySigning(boolean signPayload) {
        S3AuthSchemeProvider defaults = S3AuthSchemeProvider.defaultProvider();
        return params -> defaults.resolveAuthScheme(params).stream()
                .map(option -> option.toBuilder()
                        .putSignerProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false)
                        .putSignerProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, signPayload)
                        .build())
                .toList();
    }

    @SuppressWarnings("deprecation") // ApacheHttpClient (HttpClient 4) is the module's chosen HTTP client
    static S3Client build(S3StoreConfig config, S3RequestMetrics metrics, List<ExecutionInterceptor> interceptors) {
        boolean flexible = config.effectiveChecksums() == ChecksumStrategy.FLEXIBLE;
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle())
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(config.connectTimeout())
                        .socketTimeout(config.socketTimeout())
                        .maxConnections(config.maxConnections())
                        // Ceph RGW never answers "100 Continue" to PutObjectRetention: with Expect on, every
                        // retention call waited out HttpClient's 3 s continue timeout (measured)
                        .expectContinueEnabled(false)
                        .tcpKeepAlive(true))
                // flexible: the SDK adds CRC32C itself; Content-MD5: only what an operation requires (Ceph
                // refuses the SDK's default trailing checksums with XAmzContentSHA256Mismatch)
                .requestChecksumCalculation(flexible ? RequestChecksumCalculation.WHEN_SUPPORTED
                        : RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(flexible ? ResponseChecksumValidation.WHEN_SUPPORTED
                        : ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o
                        .retryStrategy(b -> {
                            b.maxAttempts(config.maxRetries() + 1);
                            if (b instanceof StandardRetryStrategy.Builder standard) {
                                // the Resilience4j breaker around whole operations replaces the SDK's retry quota
                                standard.circuitBreakerEnabled(false);
                            }
                        })
                        .apiCallTimeout(config.apiCallTimeout())
                        .apiCallAttemptTimeout(config.apiCallAttemptTimeout())
                        .addMetricPublisher(metrics)
                        .executionInterceptors(guarded(config, interceptors)));
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        if (!flexible) {
            builder.authSchemeProvider(wholeBodySigning(config.effectiveChecksums() == ChecksumStrategy.SHA256));
        }
        return builder.build();
    }

    private static List<ExecutionInterceptor> guarded(S3StoreConfig config, List<ExecutionInterceptor> interceptors) {
        List<ExecutionInterceptor> all = new ArrayList<>(interceptors);
        all.add(0, new NotS3Guard(config.endpoint() != null ? config.endpoint().toString() : "the AWS endpoint"));
        if (config.effectiveChecksums() == ChecksumStrategy.SHA256) {
            all.add(new SignedPayloadGuard());
        }
        return List.copyOf(all);
    }
}
