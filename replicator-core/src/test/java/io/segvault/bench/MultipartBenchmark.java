package io.segvault.bench;

import io.segvault.core.store.s3.S3Stores;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.Retention;
import io.segvault.core.store.s3.S3ObjectStore;
import io.segvault.core.store.s3.S3StoreConfig;
import io.segvault.test.S3TestServer;
import io.segvault.test.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/**
 * Multipart strategy benchmark (docs/benchmarks.md, "Multipart strategy"). Not a test: its name matches
 * neither the surefire nor the failsafe patterns, so it only runs when asked for by name:
 *
 * <pre>
 * eval "$(scripts/s3-server.sh env)"
 * ./mvnw -B -o -pl replicator-core test -Dtest=MultipartBenchmark -Dbench.mib=256 -Dbench.runs=3
 * </pre>
 *
 * Uploads one file of {@code bench.mib} MiB {@code bench.runs} times per variant to a fresh Object Lock
 * bucket on the test S3 server and prints the median throughput of each variant as a Markdown table.
 * Objects are locked for two minutes only and deleted at the end (the shared test server has 20 GiB).
 */
class MultipartBenchmark {

    private static final long MIB = 1024 * 1024;
    /** Short locks, deleted at the end: the shared test server has little disk and locked objects stay. */
    private static final Duration LOCK = Duration.ofMinutes(2);
    private final AtomicInteger keys = new AtomicInteger();
    private Instant latestUntil = Instant.now();

    @Test
    void compare_multipart_strategies() throws IOException {
        long size = Long.getLong("bench.mib", 128) * MIB;
        int runs = Integer.getInteger("bench.runs", 3);
        S3TestServer server = S3TestServer.get();
        Path file = Files.createTempFile("segvault-bench", ".bin");
        try (S3Client admin = server.newClient()) {
            String bucket = server.createLockedBucket(admin, "multipart-benchmark");
            String sha = TestData.writeFile(file, 7, size);
            Map<String, Upload> variants = new LinkedHashMap<>();
            for (long[] v : new long[][] {{16, 4}, {8, 4}, {16, 8}, {32, 4}}) {
                variants.put("segvault S3ObjectStore (sync client, own part scheduling, Content-MD5 per part), "
                        + v[0] + " MiB x " + v[1] + " in flight", ours(server, bucket, v[0] * MIB, (int) v[1]));
            }
            variants.put("SDK S3AsyncClient multipartEnabled (Java multipart, CRT HTTP client), 16 MiB parts, "
                    + "no per-part checksum possible", (key, until, f, s) -> sdkJava(server, bucket, f, key, until));
            variants.put("SDK S3 CRT client (crtBuilder), 16 MiB parts, max concurrency 4, no Content-MD5",
                    (key, until, f, s) -> sdkCrt(server, bucket, f, key, until));
            List<String> rows = measure(variants, size, runs, file, sha);
            deleteEverything(admin, bucket);
            System.out.println("\n| variant | object | median MiB/s | runs (s) |\n|---|---|---|---|");
            rows.forEach(System.out::println);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Runs every variant once per round, {@code runs} rounds, so load changes hit all variants alike. */
    private List<String> measure(Map<String, Upload> variants, long size, int runs, Path file, String sha) {
        Map<String, double[]> seconds = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        variants.keySet().forEach(name -> seconds.put(name, new double[runs]));
        for (int round = 0; round < runs; round++) {
            for (Map.Entry<String, Upload> v : variants.entrySet()) {
                if (failures.containsKey(v.getKey())) {
                    continue;
                }
                String key = "bench/" + keys.incrementAndGet();
                long start = System.nanoTime();
                Instant until = Instant.now().plus(LOCK).truncatedTo(ChronoUnit.SECONDS);
                latestUntil = until;
                try {
                    v.getValue().run(key, until, file, sha);
                } catch (RuntimeException | IOException e) {
                    failures.put(v.getKey(), e.getClass().getSimpleName() + ": "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                    continue;
                }
                seconds.get(v.getKey())[round] = (System.nanoTime() - start) / 1e9;
            }
        }
        List<String> rows = new ArrayList<>();
        for (String name : variants.keySet()) {
            if (failures.containsKey(name)) {
                rows.add("| " + name + " | " + size / MIB + " MiB | failed: " + failures.get(name) + " | |");
                continue;
            }
            double[] sorted = seconds.get(name).clone();
            Arrays.sort(sorted);
            rows.add(String.format(Locale.ROOT, "| %s | %d MiB | %.1f | %s |", name, size / MIB,
                    size / MIB / sorted[runs / 2],
                    Arrays.toString(Arrays.stream(seconds.get(name)).map(s -> Math.round(s * 10) / 10.0).toArray())));
        }
        return rows;
    }

    /** Waits for the last lock to run out, then deletes every version the benchmark wrote. */
    private void deleteEverything(S3Client admin, String bucket) {
        Awaitility.await("benchmark locks run out").atMost(LOCK.plusMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Instant.now().isAfter(latestUntil.plusSeconds(1)));
        for (var page : admin.listObjectVersionsPaginator(b -> b.bucket(bucket))) {
            for (var v : page.versions()) {
                admin.deleteObject(b -> b.bucket(bucket).key(v.key()).versionId(v.versionId()));
            }
        }
        admin.listMultipartUploads(b -> b.bucket(bucket)).uploads().forEach(u -> admin.abortMultipartUpload(
                b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId())));
    }

    /** Our store: HEAD, upload, HEAD again, PutObjectRetention (Ceph ignores lock headers on multipart). */
    private static Upload ours(S3TestServer server, String bucket, long partSize, int inFlight) {
        return (key, until, file, sha) -> {
            S3StoreConfig config = S3StoreConfig.builder(bucket).endpoint(server.endpoint())
                    .region(server.region().id()).partSize(partSize).multipartThreshold(partSize)
                    .partsInFlight(inFlight).maxBufferedParts(inFlight)
                    .conditionalWrites(S3StoreConfig.ConditionalWrites.OFF).build();
            try (S3ObjectStore store = S3Stores.create(config)) {
                store.putOnce(new PutRequest(key, ObjectSource.ofFile(file, Files.size(file)), sha,
                        Retention.compliance(until)));
            }
        };
    }

    /** One upload of {@code file} to {@code key}, locked until {@code until}. */
    @FunctionalInterface
    interface Upload {
        void run(String key, Instant until, Path file, String sha) throws IOException;
    }

    private static void sdkJava(S3TestServer server, String bucket, Path file, String key, Instant until) {
        try (S3AsyncClient s3 = S3AsyncClient.builder().endpointOverride(server.endpoint()).region(server.region())
                .credentialsProvider(server.credentials()).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(AwsCrtAsyncHttpClient.builder().maxConcurrency(8))
                .multipartEnabled(true)
                .multipartConfiguration(m -> m.thresholdInBytes(16 * MIB).minimumPartSizeInBytes(16 * MIB)
                        .apiCallBufferSizeInBytes(64 * MIB))
                .build()) {
            s3.putObject(b -> b.bucket(bucket).key(key).objectLockMode(ObjectLockMode.COMPLIANCE)
                    .objectLockRetainUntilDate(until), AsyncRequestBody.fromFile(file)).join();
        }
    }

    private static void sdkCrt(S3TestServer server, String bucket, Path file, String key, Instant until) {
        try (S3AsyncClient s3 = S3AsyncClient.crtBuilder().endpointOverride(server.endpoint()).region(server.region())
                .credentialsProvider(server.credentials()).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .minimumPartSizeInBytes(16 * MIB).thresholdInBytes(16 * MIB).maxConcurrency(4)
                .build()) {
            s3.putObject(b -> b.bucket(bucket).key(key).objectLockMode(ObjectLockMode.COMPLIANCE)
                    .objectLockRetainUntilDate(until), AsyncRequestBody.fromFile(file)).join();
        }
    }

}
