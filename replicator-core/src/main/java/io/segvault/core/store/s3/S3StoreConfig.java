package io.segvault.core.store.s3;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of an {@link S3ObjectStore}, in plain Java (no SDK types), validated on construction.
 * Build one with {@link #builder(String)}; every setting has a default (see docs/storage.md).
 *
 * @param bucket               bucket name
 * @param endpoint             custom endpoint (Ceph, MinIO, LocalStack...), null for AWS S3
 * @param region               signing region
 * @param pathStyle            path-style addressing ({@code endpoint/bucket/key}); custom endpoints usually need it
 * @param checksums            how every PutObject and UploadPart carries a checksum
 * @param conditionalWrites    whether {@code If-None-Match: *} is used on writes
 * @param multipartThreshold   objects larger than this many bytes go up as multipart uploads; at most {@code partSize}
 * @param partSize             bytes per multipart part (5 MiB to 5 GiB; raised automatically above 10,000 parts)
 * @param partsInFlight        parts of one upload sent at the same time
 * @param maxBufferedParts     part buffers held by the whole store at once (bounds heap: this x partSize)
 * @param maxRetries           SDK retries per request (kept low: whole operations are retried by ResilientObjectStore)
 * @param connectTimeout       TCP connect timeout
 * @param socketTimeout        longest wait for bytes on an open connection
 * @param apiCallAttemptTimeout longest single HTTP attempt
 * @param apiCallTimeout       longest request including SDK retries
 * @param maxConnections       HTTP connection pool size
 * @param probeKey             key used once per store to detect conditional-write support on custom endpoints
 * @param meterRegistry        where request counters go; null for none (the store still counts internally)
 */
public record S3StoreConfig(String bucket, URI endpoint, String region, boolean pathStyle, ChecksumStrategy checksums,
                            ConditionalWrites conditionalWrites, long multipartThreshold, long partSize, int partsInFlight,
                            int maxBufferedParts, int maxRetries, Duration connectTimeout, Duration socketTimeout,
                            Duration apiCallAttemptTimeout, Duration apiCallTimeout, int maxConnections, String probeKey,
                            MeterRegistry meterRegistry) {

    /** Smallest part S3 accepts (except the last). */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** Largest part S3 accepts. */
    public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;

    /** How each write proves its bytes to the server. */
    public enum ChecksumStrategy {
        /** FLEXIBLE on AWS (no endpoint configured), SHA256 on custom endpoints. */
        AUTO,
        /**
         * The body's SHA-256 in the signed {@code x-amz-content-sha256} header of every PutObject and UploadPart (SigV4
         * payload signing, over HTTP and HTTPS); the server recomputes it and refuses a body that differs. For servers
         * that verify signed payloads but not {@code x-amz-checksum-*} (Ceph RGW); AWS refuses Object Lock writes
         * without Content-MD5 or a flexible checksum, so not for AWS.
         */
        SHA256,
        /** Content-MD5 on every PutObject and UploadPart, SDK checksums only where required. */
        CONTENT_MD5,
        /** SDK flexible checksums (CRC32C, trailing) on every PutObject and UploadPart. */
        FLEXIBLE
    }

    /** Use of {@code If-None-Match: *} to make put-once race-free. */
    public enum ConditionalWrites {
        /** On for AWS; probed once on custom endpoints (Ceph 16 ignores the header). */
        AUTO,
        /** Always send it. */
        ON,
        /** Never send it; put-once relies on the HEAD before the write. */
        OFF
    }

    public S3StoreConfig {
        requireText(bucket, "bucket");
        requireText(region, "region");
        requireText(probeKey, "probeKey");
        Objects.requireNonNull(checksums, "checksums");
        Objects.requireNonNull(conditionalWrites, "conditionalWrites");
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("partSize must be between 5 MiB and 5 GiB, got " + partSize);
        }
        if (partSize > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("partSize must fit in one Java array (< 2 GiB), got " + partSize);
        }
        if (multipartThreshold < 1 || multipartThreshold > partSize) {
            throw new IllegalArgumentException("multipartThreshold (" + multipartThreshold
                    + ") must be between 1 and partSize (" + partSize + "): a single PUT is buffered like one part");
        }
        requireRange(partsInFlight, 1, 64, "partsInFlight");
        requireRange(maxBufferedParts, 1, 1024, "maxBufferedParts");
        requireRange(maxRetries, 0, 10, "maxRetries");
        requireRange(maxConnections, 1, 1024, "maxConnections");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(socketTimeout, "socketTimeout");
        requirePositive(apiCallAttemptTimeout, "apiCallAttemptTimeout");
        requirePositive(apiCallTimeout, "apiCallTimeout");
        if (apiCallTimeout.compareTo(apiCallAttemptTimeout) < 0) {
            throw new IllegalArgumentException("apiCallTimeout (" + apiCallTimeout + ") must not be shorter than "
                    + "apiCallAttemptTimeout (" + apiCallAttemptTimeout + ")");
        }
    }

    /** A builder with every default set; only the bucket is required. */
    public static Builder builder(String bucket) {
        return new Builder(bucket);
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Whether the endpoint is AWS S3 itself (no custom endpoint, or an amazonaws.com host). */
    public boolean awsEndpoint() {
        if (endpoint == null) {
            return true;
        }
        String host = endpoint.getHost() == null ? "" : endpoint.getHost().toLowerCase(Locale.ROOT);
        return host.endsWith(".amazonaws.com");
    }

    /** The strategy AUTO stands for with this endpoint. */
    public ChecksumStrategy effectiveChecksums() {
        if (checksums != ChecksumStrategy.AUTO) {
            return checksums;
        }
        return awsEndpoint() ? ChecksumStrategy.FLEXIBLE : ChecksumStrategy.SHA256;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    private static void requireRange(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private String bucket;
        private URI endpoint;
        private String region = "us-east-1";
        private boolean pathStyle;
        private ChecksumStrategy checksums = ChecksumStrategy.AUTO;
        private ConditionalWrites conditionalWrites = ConditionalWrites.AUTO;
        private long multipartThreshold = 16L * 1024 * 1024;
        private long partSize = 16L * 1024 * 1024;
        private int partsInFlight = 4;
        private int maxBufferedParts = 8;
        private int maxRetries = 2;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration socketTimeout = Duration.ofSeconds(60);
        private Duration apiCallAttemptTimeout = Duration.ofMinutes(5);
        private Duration apiCallTimeout = Duration.ofMinutes(15);
        private int maxConnections = 64;
        private String probeKey = ".segvault/probe/conditional-write";
        private MeterRegistry meterRegistry;

        private Builder(String bucket) {
            this.bucket = bucket;
        }

        private Builder(S3StoreConfig c) {
            bucket = c.bucket;
            endpoint = c.endpoint;
            region = c.region;
            pathStyle = c.pathStyle;
            checksums = c.checksums;
            conditionalWrites = c.conditionalWrites;
            multipartThreshold = c.multipartThreshold;
            partSize = c.partSize;
            partsInFlight = c.partsInFlight;
            maxBufferedParts = c.maxBufferedParts;
            maxRetries = c.maxRetries;
            connectTimeout = c.connectTimeout;
            socketTimeout = c.socketTimeout;
            apiCallAttemptTimeout = c.apiCallAttemptTimeout;
            apiCallTimeout = c.apiCallTimeout;
            maxConnections = c.maxConnections;
            probeKey = c.probeKey;
            meterRegistry = c.meterRegistry;
        }

        public Builder bucket(String value) {
            bucket = value;
            return this;
        }

        /** Custom endpoint; also turns path-style on (call {@link #pathStyle} afterwards to change that). */
        public Builder endpoint(URI value) {
            endpoint = value;
            pathStyle = value != null;
            return this;
        }

        public Builder region(String value) {
            region = value;
            return this;
        }

        public Builder pathStyle(boolean value) {
            pathStyle = value;
            return this;
        }

        public Builder checksums(ChecksumStrategy value) {
            checksums = value;
            return this;
        }

        public Builder conditionalWrites(ConditionalWrites value) {
            conditionalWrites = value;
            return this;
        }

        public Builder multipartThreshold(long bytes) {
            multipartThreshold = bytes;
            return this;
        }

        public Builder partSize(long bytes) {
            partSize = bytes;
            return this;
        }

        public Builder partsInFlight(int value) {
            partsInFlight = value;
            return this;
        }

        public Builder maxBufferedParts(int value) {
            maxBufferedParts = value;
            return this;
        }

        public Builder maxRetries(int value) {
            maxRetries = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        public Builder socketTimeout(Duration value) {
            socketTimeout = value;
            return this;
        }

        public Builder apiCallAttemptTimeout(Duration value) {
            apiCallAttemptTimeout = value;
            return this;
        }

        public Builder apiCallTimeout(Duration value) {
            apiCallTimeout = value;
            return this;
        }

        public Builder maxConnections(int value) {
            maxConnections = value;
            return this;
        }

        public Builder probeKey(String value) {
            probeKey = value;
            return this;
        }

        public Builder meterRegistry(MeterRegistry value) {
            meterRegistry = value;
            return this;
        }

        public S3StoreConfig build() {
            return new S3StoreConfig(bucket, endpoint, region, pathStyle, checksums, conditionalWrites,
                    multipartThreshold, partSize, partsInFlight, maxBufferedParts, maxRetries, connectTimeout,
                    socketTimeout, apiCallAttemptTimeout, apiCallTimeout, maxConnections, probeKey, meterRegistry);
        }
    }
}
