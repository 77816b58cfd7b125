package io.segvault.core.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.core.store.LockMode;
import io.segvault.core.store.StoredObject;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import io.segvault.test.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays bounded by the part buffers, not by object size: four 500 MiB files uploaded at once by a
 * JVM started with {@code -Xmx256m} ({@link HeapProbe}) complete, with the peak heap measured in that JVM.
 */
@ExtendWith(LockedBucketExtension.class)
class S3HeapIT {

    private static final long MIB = 1024 * 1024;
    private static final long FILE_SIZE = 500 * MIB;
    private static final long HEAP_LIMIT = 256 * MIB;

    @Test
    void four_500_mib_uploads_at_once_fit_in_a_256_mib_heap(LockedBucket bucket, @TempDir Path dir)
            throws IOException, InterruptedException {
        // locked briefly, then deleted: 2 GiB of day-long locks would fill the shared test server
        Instant until = Instant.now().plusSeconds(150).truncatedTo(ChronoUnit.SECONDS); // room for a loaded machine
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseG1GC",
                "-cp", testClassPath(), HeapProbe.class.getName(),
                bucket.server().endpoint().toString(), bucket.server().region().id(), bucket.name(), until.toString()));
        Map<String, String> shaByKey = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            Path file = dir.resolve("segment-" + i);
            String sha = TestData.writeFile(file, 1000 + i, FILE_SIZE);
            command.add(file.toString());
            command.add(sha);
            shaByKey.put("heap/" + file.getFileName(), sha);
        }
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(10, TimeUnit.MINUTES)).as("probe finished").isTrue();
        assertThat(child.exitValue()).as("probe output:%n%s", output).isZero();

        Map<String, String> result = parse(output);
        assertThat(Long.parseLong(result.get("maxHeap"))).as("the probe JVM really had a small heap")
                .isLessThanOrEqualTo(HEAP_LIMIT);
        long peakUsed = Long.parseLong(result.get("peakUsed"));
        long peakLive = Long.parseLong(result.get("peakAfterGc"));
        System.out.printf("four 500 MiB uploads: peak heap used %d MiB, peak after GC %d MiB, %s ms%n",
                peakUsed / MIB, peakLive / MIB, result.get("millis"));
        assertThat(peakUsed).isPositive().isLessThan(HEAP_LIMIT);
        assertThat(peakLive).as("live heap after GC: 8 part buffers of 16 MiB plus the JVM's own")
                .isPositive().isLessThan(192 * MIB);
        assertThat(result.get("versions").split(",")).hasSize(4);

        assertThat(S3ItSupport.openUploads(bucket)).isEmpty();
        try (S3ObjectStore store = S3Stores.create(S3ItSupport.config(bucket).build())) {
            List<StoredObject> written = new ArrayList<>();
            shaByKey.forEach((key, sha) -> {
                StoredObject head = store.head(key).orElseThrow();
                assertThat(head.size()).isEqualTo(FILE_SIZE);
                assertThat(head.sha256()).isEqualTo(sha);
                assertThat(head.lockMode()).isEqualTo(LockMode.COMPLIANCE);
                assertThat(head.retainUntil()).isEqualTo(until);
                written.add(head);
            });
            S3ItSupport.deleteAfterExpiry(store, until, written);
        }
    }

    private static Map<String, String> parse(String output) {
        String line = output.lines().filter(l -> l.startsWith("HEAP_PROBE ")).findFirst()
                .orElseThrow(() -> new AssertionError("no HEAP_PROBE line in:\n" + output));
        Map<String, String> values = new HashMap<>();
        for (String pair : line.substring("HEAP_PROBE ".length()).split(" ")) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return values;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
