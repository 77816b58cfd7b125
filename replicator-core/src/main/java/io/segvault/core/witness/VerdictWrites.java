package io.segvault.core.witness;

import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.store.ObjectConflictException;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.OnceWriter;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.Retention;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Writes the witness's signed verdicts, each once and COMPLIANCE-locked for the verdict retention. When another
 * identity took the key first, the verdict goes beside it under a random suffix: a verdict counts by its signature, not
 * by its key.
 */
final class VerdictWrites {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final OnceWriter writer;
    private final Clock clock;
    private final Duration retention;

    VerdictWrites(OnceWriter writer, Clock clock, Duration retention) {
        this.writer = writer;
        this.clock = clock;
        this.retention = retention;
    }

    /** Writes {@code bytes} (a signed verdict) at {@code objectKey}, or beside it when that key is taken. */
    void write(String objectKey, byte[] bytes) {
        Retention lock = Retention.compliance(clock.instant().plus(retention));
        String sha = ManifestCodec.sha256(bytes);
        try {
            writer.putOnce(new PutRequest(objectKey, ObjectSource.ofBytes(bytes), sha, lock));
        } catch (ObjectConflictException e) {
            // somebody wrote there first (the agent's identity may not): the signature, not the key, makes a verdict
            byte[] suffix = new byte[8];
            RANDOM.nextBytes(suffix);
            String alternative = objectKey + "~" + HexFormat.of().formatHex(suffix);
            writer.putOnce(new PutRequest(alternative, ObjectSource.ofBytes(bytes), sha, lock));
        }
    }
}
