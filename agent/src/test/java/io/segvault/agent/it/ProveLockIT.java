package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.segvault.agent.cli.Json;
import io.segvault.test.FaultProxy;
import io.segvault.test.LockedBucket;
import io.segvault.test.LockedBucketExtension;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * {@code segvault prove-lock} against the real Ceph RADOS Gateway: a bucket that enforces COMPLIANCE, one with
 * versioning but no Object Lock, a proxy that turns the server's refusal of a locked delete into a success (a provider
 * that does not enforce), and a credential a bucket policy forbids to delete.
 */
@ExtendWith(LockedBucketExtension.class)
class ProveLockIT {

    private static final List<String> CHECKS = List.of("overwrite-keeps-version", "shorten-retention", "switch-to-governance",
            "disable-object-lock", "delete-version", "delete-bypass-governance");

    @TempDir
    Path tmp;

    @Test
    void every_check_is_refused_by_a_server_that_enforces_compliance(LockedBucket bucket) throws Exception {
        Instant before = Instant.now();
        Cli.Result r = proveLock(bucket.server().endpoint(), bucket.name(), "--json");
        assertThat(r.exit()).as(r.both()).isZero();
        JsonNode proof = Json.mapper().readTree(r.out());
        assertThat(proof.get("proven").asBoolean()).isTrue();
        assertThat(names(proof)).containsExactlyElementsOf(CHECKS);
        for (JsonNode c : proof.get("checks")) {
            assertThat(c.get("passed").asBoolean()).as(c.toString()).isTrue();
        }
        assertThat(result(proof, "delete-version")).isEqualTo("refused-by-lock");
        assertThat(answer(proof, "delete-version")).isEqualTo("HTTP 403 AccessDenied: forbidden by object lock");
        assertThat(result(proof, "disable-object-lock")).isEqualTo("no-such-request");
        assertThat(result(proof, "overwrite-keeps-version")).isEqualTo("kept");

        String key = proof.get("canaryKey").asText();
        assertThat(key).startsWith(ConfigFile.PREFIX + ".canary/");
        Instant until = Instant.parse(proof.get("retainUntil").asText());
        assertThat(until).isBetween(before.plus(Duration.ofMinutes(9)), Instant.now().plus(Duration.ofMinutes(10)));
        assertThat(versions(bucket)).as("nothing but the locked canary (the overwrite was unlocked and deleted again)")
                .extracting(ObjectVersion::key, ObjectVersion::versionId)
                .containsExactly(tuple(key, proof.get("canaryVersion").asText()));
        assertLockedUntil(bucket, key, until);

        // with a default retention the overwrite would be locked by it: it gets the canary's date instead and stays
        bucket.s3().putObjectLockConfiguration(b -> b.bucket(bucket.name()).objectLockConfiguration(c -> c
                .objectLockEnabled("Enabled").rule(rule -> rule.defaultRetention(d -> d.mode("COMPLIANCE").days(1)))));
        Cli.Result second = proveLock(bucket.server().endpoint(), bucket.name(), "--json");
        assertThat(second.exit()).as(second.both()).isZero();
        JsonNode proof2 = Json.mapper().readTree(second.out());
        String key2 = proof2.get("canaryKey").asText();
        assertThat(versions(bucket)).filteredOn(v -> v.key().equals(key2)).hasSize(2);
        assertLockedUntil(bucket, key2, Instant.parse(proof2.get("retainUntil").asText()));

        Cli.Result text = Cli.main("preflight", "--prove-lock", "--retain", "10m", "--bucket", bucket.name(), "--endpoint",
                bucket.server().endpoint().toString(), "--prefix", ConfigFile.PREFIX);
        assertThat(text.exit()).as(text.both()).isZero();
        assertThat(text.out()).contains("ok: segvault can write locked objects", "delete-version", "refused-by-lock",
                "COMPLIANCE until", "ok: the server refused every attempt");
    }

    @Test
    void a_versioned_bucket_without_object_lock_allows_the_delete(LockedBucket locked) throws Exception {
        String plain = locked.server().createPlainBucket(locked.s3(), "ProveLockIT-plain");
        locked.s3().putBucketVersioning(b -> b.bucket(plain).versioningConfiguration(v -> v.status("Enabled")));
        Cli.Result r = proveLock(locked.server().endpoint(), plain, "--json");
        assertThat(r.exit()).as(r.both()).isEqualTo(3);
        assertThat(r.err()).contains("the server allowed delete-version on a COMPLIANCE-locked object");
        JsonNode proof = Json.mapper().readTree(r.out());
        assertThat(proof.get("proven").asBoolean()).isFalse();
        assertThat(proof.get("bucketLocked").asBoolean()).isFalse();
        assertThat(result(proof, "delete-version")).isEqualTo("allowed");
        assertThat(result(proof, "shorten-retention")).isEqualTo("other-answer");
        assertThat(answer(proof, "shorten-retention")).startsWith("HTTP 400 InvalidRequest");
        assertThat(result(proof, "delete-bypass-governance")).isEqualTo("not-run");
        assertThat(locked.s3().listObjectVersions(b -> b.bucket(plain)).versions()).as("nothing left behind").isEmpty();
    }

    @Test
    void a_server_that_says_yes_to_a_locked_delete_is_caught(LockedBucket bucket) throws Exception {
        try (FaultProxy liar = FaultProxy.to(bucket.server().endpoint())
                .rule(FaultProxy.Rule.of(FaultProxy.Fault.LIE, "DeleteObject")).start()) {
            Cli.Result r = proveLock(liar.endpoint(), bucket.name(), "--json");
            assertThat(r.exit()).as(r.both()).isEqualTo(3);
            assertThat(r.err()).contains("the server allowed delete-version, delete-bypass-governance");
            assertThat(liar.lies()).as("the real server refused both deletes; the proxy said yes").isEqualTo(2);
            JsonNode proof = Json.mapper().readTree(r.out());
            assertThat(result(proof, "delete-version")).isEqualTo("allowed");
            assertThat(check(proof, "delete-version").get("detail").asText())
                    .contains("still answers HEAD");
            assertThat(result(proof, "shorten-retention")).isEqualTo("refused-by-lock");
            String key = proof.get("canaryKey").asText();
            String version = proof.get("canaryVersion").asText();
            assertThat(bucket.s3().headObject(b -> b.bucket(bucket.name()).key(key).versionId(version)).objectLockMode())
                    .as("the locked version is still on the real server").isEqualTo(ObjectLockMode.COMPLIANCE);
        }
    }

    @Test
    void a_credential_iam_forbids_to_delete_cannot_prove_the_lock(LockedBucket bucket) throws Exception {
        assertThat(bucket.server().endpoint().getPort()).as("the second user is made on the local Ceph gateway of "
                + "scripts/s3-server.sh").isEqualTo(RgwUser.gatewayPort());
        RgwUser user = RgwUser.ensure("segvault-nodelete", "SEGVAULTNODELETE0001", "segvaultnodeletesecret00000000000000000");
        String b = bucket.name();
        bucket.s3().putBucketPolicy(p -> p.bucket(b).policy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": ["%1$s"]}, "Action": ["s3:*"],
                   "Resource": ["arn:aws:s3:::%2$s", "arn:aws:s3:::%2$s/*"]},
                  {"Effect": "Deny", "Principal": {"AWS": ["%1$s"]}, "Action": ["s3:DeleteObject*"],
                   "Resource": ["arn:aws:s3:::%2$s/*"]}]}""".formatted(user.arn(), b)));
        Cli.Result r = Cli.process(tmp, Map.of("AWS_ACCESS_KEY_ID", user.accessKey(), "AWS_SECRET_ACCESS_KEY", user.secretKey()),
                Duration.ofMinutes(2), args(bucket.server().endpoint(), b, "--json"));
        assertThat(r.exit()).as(r.both()).isEqualTo(3);
        assertThat(r.err()).contains("cannot prove the lock: IAM refused delete-version, delete-bypass-governance");
        assertThat(r.err()).doesNotContain("the server allowed");
        JsonNode proof = Json.mapper().readTree(r.out());
        assertThat(result(proof, "delete-version")).isEqualTo("refused-by-iam");
        assertThat(answer(proof, "delete-version")).isEqualTo("HTTP 403 AccessDenied (no message)");
        assertThat(result(proof, "shorten-retention")).as("the policy leaves retention to the lock").isEqualTo("refused-by-lock");
    }

    private static void assertLockedUntil(LockedBucket bucket, String key, Instant until) {
        for (ObjectVersion v : versions(bucket)) {
            if (v.key().equals(key)) {
                HeadObjectResponse head = bucket.s3().headObject(b -> b.bucket(bucket.name()).key(key).versionId(v.versionId()));
                assertThat(head.objectLockMode()).as(v.versionId()).isEqualTo(ObjectLockMode.COMPLIANCE);
                assertThat(head.objectLockRetainUntilDate()).as(v.versionId()).isEqualTo(until);
            }
        }
    }

    private static Cli.Result proveLock(URI endpoint, String bucket, String... extra) {
        return Cli.main(args(endpoint, bucket, extra));
    }

    private static String[] args(URI endpoint, String bucket, String... extra) {
        List<String> a = new ArrayList<>(List.of("prove-lock", "--retain", "10m", "--bucket", bucket, "--endpoint",
                endpoint.toString(), "--prefix", ConfigFile.PREFIX));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private static List<String> names(JsonNode proof) {
        List<String> names = new ArrayList<>();
        proof.get("checks").forEach(c -> names.add(c.get("name").asText()));
        return names;
    }

    private static JsonNode check(JsonNode proof, String name) {
        for (JsonNode c : proof.get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + proof);
    }

    private static String result(JsonNode proof, String name) {
        return check(proof, name).get("result").asText();
    }

    private static String answer(JsonNode proof, String name) {
        return check(proof, name).get("answer").asText();
    }

    private static List<ObjectVersion> versions(LockedBucket bucket) {
        return bucket.s3().listObjectVersions(b -> b.bucket(bucket.name())).versions();
    }
}
