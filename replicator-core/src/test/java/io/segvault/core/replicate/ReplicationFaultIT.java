package io.segvault.core.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.core.restore.PointRef;
import io.segvault.core.restore.RestoreProgress;
import io.segvault.core.retention.RetentionPolicy;
import io.segvault.core.verify.Verifier;
import io.segvault.core.verify.VerifyReport;
import io.segvault.test.BorgFixture;
import io.segvault.test.FaultProxy;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import io.segvault.test.ReplicationRig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * Initial replication of a repository with a few hundred segments while about 10% of the requests fail
 * (connection resets and 503 SlowDown) through a fault-injecting proxy: everything arrives byte-exact,
 * locked, without open multipart uploads or duplicate versions, and the point restores.
 */
@ExtendWith(LockedBucketExtension.class)
class ReplicationFaultIT {

    @TempDir
    Path tmp;

    @Test
    void ten_percent_failing_requests_lose_nothing(LockedBucket bucket) throws Exception {
        BorgFixture borg = new BorgFixture(tmp);
        Path repo = tmp.resolve("repo");
        borg.init(repo, "none");
        borg.config(repo, "max_segment_size", "64K");
        java.util.Random random = new java.util.Random(42);
        for (int i = 1; i <= 2; i++) {
            Path src = java.nio.file.Files.createDirectories(tmp.resolve("src" + i));
            for (int f = 0; f < 400; f++) {
                byte[] data = new byte[16 * 1024];
                random.nextBytes(data);
                java.nio.file.Files.write(src.resolve("file" + f), data);
            }
            borg.create(repo, "a" + i, src);
        }
        try (FaultProxy proxy = FaultProxy.to(bucket.server().endpoint()).seed(42)
                .rule(FaultProxy.Rule.of(FaultProxy.Fault.RESET).rate(0.1).maxPerTarget(2))
                .rule(FaultProxy.Rule.of(FaultProxy.Fault.SLOWDOWN).rate(0.1).maxPerTarget(2)).start();
             ReplicationRig rig = new ReplicationRig(bucket, tmp.resolve("state"), "", new RetentionPolicy(Duration.ofDays(2),
                     Duration.ofDays(1)), proxy.endpoint())) {
            SyncResult r = rig.pass().run("acme", repo);
            assertThat(r.pointWritten()).isTrue();
            long faults = proxy.events().size();
            System.out.printf("%d objects uploaded through the proxy, %d requests failed%n", r.objectsUploaded(), faults);
            assertThat(faults).as("the proxy really failed requests").isGreaterThan(r.objectsUploaded() / 20);

            try (ReplicationRig direct = new ReplicationRig(bucket, tmp.resolve("state2"), "", new RetentionPolicy(
                    Duration.ofDays(2), Duration.ofDays(1)))) {
                PointRef ref = direct.catalog().select("acme", "latest", null, Instant.now());
                assertThat(direct.catalog().read(ref).segments()).hasSizeGreaterThan(200);
                VerifyReport report = new Verifier(direct.catalog()).verify("acme", false, true, Instant.now().plusSeconds(3600));
                assertThat(report.problems()).as("deep verify: present, locked, byte-exact, no foreign versions").isEmpty();
                assertThat(bucket.s3().listMultipartUploads(b -> b.bucket(bucket.name())).uploads()).isEmpty();
                Map<String, Long> versions = bucket.s3().listObjectVersionsPaginator(b -> b.bucket(bucket.name()))
                        .versions().stream().collect(Collectors.groupingBy(ObjectVersion::key, Collectors.counting()));
                assertThat(versions).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));

                Path target = tmp.resolve("restored");
                direct.restorer().restore(ref, target, RestoreProgress.NONE);
                assertThat(new BorgFixture(tmp.resolve("fresh")).check(target).ok()).isTrue();
            }
        }
    }
}
