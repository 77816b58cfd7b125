package io.segvault.core.remote;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CipherWarmupTest {

    @Test
    void warmupPacketsDecryptToTheirPlaintext() throws Exception {
        // each packet goes through MINA's AES-GCM as a session's would: a wrong layout fails the tag check or the bytes
        assertThat(CipherWarmup.run(200)).isTrue();
    }

    @Test
    void warmupIsSmallNextToASegment() {
        // the throwaway bytes stay a fraction of one 8 MiB segment's decryption
        assertThat((long) CipherWarmup.PACKETS * CipherWarmup.PAYLOAD).isLessThan(16L << 20);
    }
}
