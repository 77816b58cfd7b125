package io.segvault.core.witness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The signed envelope of a {@link Verdict}: {@code {"format":1,"keyId":"…","payload":"<base64 JSON>","signature":"<base64>"}}.
 * The signature is Ed25519 over a fixed domain string followed by the payload bytes, so a verdict can only be read through
 * a signature check and a signature made for anything else never verifies as a verdict.
 */
public final class VerdictCodec {

    /** Larger envelopes are never read. */
    public static final int MAX_BYTES = 64 * 1024;
    private static final byte[] DOMAIN = "segvault witness verdict v1\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private VerdictCodec() {
    }

    /** Signs a verdict; its keyId must be the signer's. */
    public static byte[] sign(Verdict verdict, PrivateKey key) {
        try {
            byte[] payload = JSON.writeValueAsBytes(verdict);
            Signature s = Signature.getInstance(WitnessKey.ALGORITHM);
            s.initSign(key);
            s.update(DOMAIN);
            s.update(payload);
            var env = JSON.createObjectNode();
            env.put("format", 1);
            env.put("keyId", verdict.keyId());
            env.put("payload", Base64.getEncoder().encodeToString(payload));
            env.put("signature", Base64.getEncoder().encodeToString(s.sign()));
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(env);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a verdict: " + e.getMessage(), e);
        }
    }

    /**
     * The verdict in {@code bytes} if {@code trusted} signed it; throws {@link WitnessException} naming {@code source}
     * otherwise (malformed, another key, bad signature).
     */
    public static Verdict open(byte[] bytes, PublicKey trusted, String source) {
        if (bytes.length > MAX_BYTES) {
            throw new WitnessException(source + ": " + bytes.length + " bytes, larger than a verdict can be");
        }
        byte[] payload;
        byte[] signature;
        try {
            JsonNode env = JSON.readTree(bytes);
            if (env == null || !env.isObject() || !env.path("payload").isTextual() || !env.path("signature").isTextual()) {
                throw new WitnessException(source + ": not a signed witness verdict (no payload/signature)");
            }
            payload = Base64.getDecoder().decode(env.get("payload").asText());
            signature = Base64.getDecoder().decode(env.get("signature").asText());
        } catch (IOException | IllegalArgumentException e) {
            throw new WitnessException(source + ": not a signed witness verdict (" + e.getMessage() + ")", e);
        }
        try {
            Signature s = Signature.getInstance(WitnessKey.ALGORITHM);
            s.initVerify(trusted);
            s.update(DOMAIN);
            s.update(payload);
            if (!s.verify(signature)) {
                throw new WitnessException(source + ": signature does not verify with the trusted witness key "
                        + WitnessKey.id(trusted));
            }
        } catch (GeneralSecurityException e) {
            throw new WitnessException(source + ": signature does not verify with the trusted witness key "
                    + WitnessKey.id(trusted) + " (" + e.getMessage() + ")", e);
        }
        try {
            Verdict v = JSON.readValue(payload, Verdict.class);
            if (v.formatVersion() != Verdict.FORMAT) {
                throw new WitnessException(source + ": verdict format " + v.formatVersion() + " is not supported");
            }
            return v;
        } catch (IOException e) {
            throw new WitnessException(source + ": signed payload is not a verdict (" + e.getMessage() + ")", e);
        }
    }
}
