package io.segvault.core.store.s3;

import io.segvault.core.store.ObjectConflictException;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.ObjectStoreException;
import io.segvault.core.store.PutRequest;
import io.segvault.core.store.Retention;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Finds out once whether an endpoint honours {@code If-None-Match: *} (the {@code AUTO} setting of conditional writes). */
final class ConditionalWriteProbe {

    private static final Logger LOG = LoggerFactory.getLogger(ConditionalWriteProbe.class);

    private ConditionalWriteProbe() {
    }

    /**
     * Writes the probe key once without and once with {@code If-None-Match: *}: a conflict on the second write means the
     * endpoint honours the header; a second version (or a 400/501) means it does not.
     */
    static boolean probe(S3ObjectStore store, ObjectWriter writer, S3StoreConfig config, Clock clock) {
        String key = config.probeKey();
        Retention retention = Retention.compliance(clock.instant().plus(Duration.ofDays(1)));
        byte[] body = "segvault probe: does this endpoint honour If-None-Match: *\n".getBytes(
                StandardCharsets.US_ASCII);
        PutRequest probe = new PutRequest(key, ObjectSource.ofBytes(body),
                Hashes.sha256Hex(body, body.length), retention);
        if (store.head(key).isEmpty()) {
            writer.write(probe, false);
        }
        boolean supported;
        try {
            writer.write(probe, true);
            supported = false; // the server wrote a second version: it ignores the header
        } catch (ObjectConflictException e) {
            supported = true;
        } catch (ObjectStoreException e) {
            if (!(e.getCause() instanceof S3Exception s3e) || s3e.statusCode() != 501 && s3e.statusCode() != 400) {
                throw e;
            }
            supported = false;
        }
        LOG.info("endpoint {} {} conditional writes (If-None-Match: *), probed with s3://{}/{}",
                config.endpoint(), supported ? "honours" : "ignores", store.bucket(), key);
        return supported;
    }
}
