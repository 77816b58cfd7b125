package io.segvault.core.store.s3;

import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * With the SHA256 checksum strategy the signer hashes each body into the signed {@code x-amz-content-sha256}
 * header, and the server refuses a body that does not match it. This guard runs after signing, before a byte is
 * sent: every PutObject and UploadPart must carry a real SHA-256 there (not UNSIGNED-PAYLOAD), and a PutObject's
 * must equal the {@code x-amz-meta-sha256} the object is named by. So the SDK's one hashing pass also proves that
 * the bytes going out are the bytes the caller hashed, and {@link ObjectWriter} need not hash a single PUT again.
 */
final class SignedPayloadGuard implements ExecutionInterceptor {

    static final String CONTENT_SHA256 = "x-amz-content-sha256";
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Object request = context.request();
        if (!(request instanceof PutObjectRequest) && !(request instanceof UploadPartRequest)) {
            return;
        }
        Optional<String> signed = context.httpRequest().firstMatchingHeader(CONTENT_SHA256);
        String key = request instanceof PutObjectRequest put ? put.key() : ((UploadPartRequest) request).key();
        if (signed.isEmpty() || !HEX64.matcher(signed.get()).matches()) {
            throw new PayloadMismatchException(key, "the request for " + key + " was about to go out without a signed "
                    + "payload hash (" + CONTENT_SHA256 + ": " + signed.orElse("absent") + "); nothing was sent");
        }
        if (request instanceof PutObjectRequest put) {
            String expected = put.metadata().get(ObjectWriter.SHA256_METADATA);
            if (expected != null && !expected.equals(signed.get())) {
                throw new PayloadMismatchException(key, "the bytes about to be written to " + key + " hash to "
                        + signed.get() + ", not the " + expected + " the object is named by (the source changed after "
                        + "it was hashed); nothing was written");
            }
        }
    }

    /** Thrown before transmission; {@link ObjectWriter} turns it into an IntegrityException. */
    static final class PayloadMismatchException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String key;

        PayloadMismatchException(String key, String message) {
            super(message);
            this.key = key;
        }

        String key() {
            return key;
        }

        /** The guard's exception in {@code e}'s cause chain, if any (the SDK may wrap it). */
        static Optional<PayloadMismatchException> in(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof PayloadMismatchException p) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }
}
