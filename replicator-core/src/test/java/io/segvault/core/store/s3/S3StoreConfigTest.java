package io.segvault.core.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segvault.core.store.s3.S3StoreConfig.ChecksumStrategy;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class S3StoreConfigTest {

    @Test
    void auto_checksums_are_flexible_on_aws_and_signed_sha256_elsewhere() {
        assertThat(S3StoreConfig.builder("b").build().effectiveChecksums()).isEqualTo(ChecksumStrategy.FLEXIBLE);
        assertThat(S3StoreConfig.builder("b").endpoint(URI.create("https://s3.eu-west-1.amazonaws.com")).build()
                .effectiveChecksums()).isEqualTo(ChecksumStrategy.FLEXIBLE);
        S3StoreConfig ceph = S3StoreConfig.builder("b").endpoint(URI.create("http://127.0.0.1:7480")).build();
        assertThat(ceph.effectiveChecksums()).isEqualTo(ChecksumStrategy.SHA256);
        assertThat(ceph.pathStyle()).isTrue();
        assertThat(ceph.toBuilder().checksums(ChecksumStrategy.FLEXIBLE).build().effectiveChecksums())
                .isEqualTo(ChecksumStrategy.FLEXIBLE);
    }

    @Test
    void invalid_settings_are_refused_with_a_message_naming_them() {
        assertThatThrownBy(() -> S3StoreConfig.builder("b").partSize(1024).build())
                .hasMessage("partSize must be between 5 MiB and 5 GiB, got 1024");
        assertThatThrownBy(() -> S3StoreConfig.builder("b").multipartThreshold(64L << 20).build())
                .hasMessageContaining("multipartThreshold (67108864) must be between 1 and partSize (16777216)");
        assertThatThrownBy(() -> S3StoreConfig.builder("b").partsInFlight(0).build())
                .hasMessage("partsInFlight must be between 1 and 64, got 0");
        assertThatThrownBy(() -> S3StoreConfig.builder("b").apiCallTimeout(Duration.ofSeconds(1)).build())
                .hasMessageContaining("apiCallTimeout (PT1S) must not be shorter than apiCallAttemptTimeout");
        assertThatThrownBy(() -> S3StoreConfig.builder(" ").build()).hasMessage("bucket must not be empty");
    }

    @Test
    void a_multipart_object_stays_within_ten_thousand_parts() {
        S3StoreConfig config = S3StoreConfig.builder("b").partSize(5L << 20).multipartThreshold(5L << 20).build();
        ObjectWriter writer = new ObjectWriter(null, config, null, null);
        assertThat(writer.partSize(100L << 20)).isEqualTo(5L << 20);
        long huge = 100L << 30;
        long part = writer.partSize(huge);
        assertThat((huge + part - 1) / part).isLessThanOrEqualTo(10_000);
        assertThat(part % (1 << 20)).isZero();
    }
}
