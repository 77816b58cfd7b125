package io.segvault.core.remote;

import io.segvault.core.util.Threads;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the JIT to compile the AES-GCM packet path before the first segment arrives. In a fresh JVM (every one-shot
 * {@code sync}) the JDK's GHASH and AES counter mode run as plain interpreted Java until the methods that call them are
 * compiled by C2 with the CPU's carry-less multiply and AES instructions inlined; that takes thousands of calls, about
 * one per SSH packet, so the first tens of MiB of a pull were decrypted an order of magnitude slower than the rest
 * (profile in docs/benchmarks.md). Encrypting and decrypting {@link #PACKETS} small packets with MINA's own AES-GCM
 * cipher, on a background thread once the first connection is up (not beside its key exchange, which has to finish
 * within {@code ssh.connectTimeout}), makes those calls on throwaway bytes while the first listings run. It touches
 * no session and no key of any connection: a random key, used only here.
 */
final class CipherWarmup {

    private static final Logger LOG = LoggerFactory.getLogger(CipherWarmup.class);
    /**
     * Packets encrypted and decrypted: at 6,000 (just over C2's invocation threshold) the JIT, its C2 queue busy,
     * still compiled most of the path at C1's lower tiers only; at 20,000 GHASH's and the decryption's callers reach C2.
     */
    static final int PACKETS = 20_000;
    /** Payload of each: small, so the whole warm-up costs little CPU; the code path is the one a 128 KiB packet takes. */
    static final int PAYLOAD = 512;
    private static final int AAD = 4;
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private CipherWarmup() {
    }

    /** Starts the warm-up on a daemon thread, the first time only, and returns at once. */
    static void startOnce() {
        if (STARTED.getAndSet(true)) {
            return;
        }
        Threads.daemon("segvault-cipher-warmup").newThread(() -> {
            try {
                run(PACKETS);
            } catch (Exception e) {
                LOG.debug("AES-GCM warm-up stopped: {}", e.toString()); // costs speed only, never correctness
            }
        }).start();
    }

    /**
     * Encrypts and decrypts {@code packets} packets as an SSH session does (4 bytes of length as associated data, the
     * tag after the payload).
     *
     * @return whether every decrypted packet equalled its plaintext
     */
    static boolean run(int packets) throws Exception {
        SecureRandom random = new SecureRandom();
        Cipher encrypt = BuiltinCiphers.aes128gcm.create();
        Cipher decrypt = BuiltinCiphers.aes128gcm.create();
        byte[] key = new byte[encrypt.getKdfSize()];
        byte[] iv = new byte[encrypt.getIVSize()];
        random.nextBytes(key);
        random.nextBytes(iv);
        encrypt.init(Cipher.Mode.Encrypt, key, iv);
        decrypt.init(Cipher.Mode.Decrypt, key, iv);
        byte[] plain = new byte[AAD + PAYLOAD];
        random.nextBytes(plain);
        byte[] packet = new byte[AAD + PAYLOAD + encrypt.getAuthenticationTagSize()];
        boolean same = true;
        for (int i = 0; i < packets; i++) {
            System.arraycopy(plain, 0, packet, 0, plain.length);
            encrypt.updateWithAAD(packet, 0, AAD, PAYLOAD);
            decrypt.updateWithAAD(packet, 0, AAD, PAYLOAD);
            same &= Arrays.equals(packet, 0, plain.length, plain, 0, plain.length);
        }
        return same;
    }
}
