package io.segvault.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.terraform.TerraformTree.Configuration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The security settings of terraform/modules/bucket, read from its HCL. */
class BucketModuleTest {
    private final Configuration bucket = TerraformTree.load("modules/bucket");

    /** Every statement the bucket policy can hold: its own and those of the two documents it includes by default. */
    private List<PolicyStatement> policy() {
        List<PolicyStatement> all = new ArrayList<>(bucket.policy("bucket"));
        all.addAll(bucket.policy("tls"));
        all.addAll(bucket.policy("lock_conditions"));
        return all;
    }

    @Test
    void objectLockIsEnabledWhenTheBucketIsCreatedAndNothingForcesADestroy() {
        HclBlock created = bucket.resource("aws_s3_bucket", "this");
        assertThat(created.literal("object_lock_enabled")).isEqualTo("true");
        assertThat(created.literal("force_destroy")).isEqualTo("false");
    }

    @Test
    void versioningIsEnabled() {
        assertThat(bucket.resource("aws_s3_bucket_versioning", "this").block("versioning_configuration")
            .literal("status")).isEqualTo("Enabled");
    }

    @Test
    void defaultRetentionIsComplianceForTheConfiguredDays() {
        HclBlock retention = bucket.resource("aws_s3_bucket_object_lock_configuration", "this")
            .block("rule").block("default_retention");
        assertThat(retention.literal("mode")).isEqualTo("COMPLIANCE");
        assertThat(retention.text("days")).isEqualTo("var.default_retention_days");
        assertThat(retention.attribute("years")).isEmpty();
    }

    @Test
    void publicAccessIsBlockedInAllFourWaysAndAclsAreOff() {
        HclBlock block = bucket.resource("aws_s3_bucket_public_access_block", "this");
        for (String setting : List.of("block_public_acls", "block_public_policy", "ignore_public_acls",
            "restrict_public_buckets")) {
            assertThat(block.literal(setting)).as(setting).isEqualTo("true");
        }
        assertThat(bucket.resource("aws_s3_bucket_ownership_controls", "this").block("rule")
            .literal("object_ownership")).isEqualTo("BucketOwnerEnforced");
    }

    @Test
    void encryptionUsesTheChosenAlgorithmAndACreatedKeyRotates() {
        HclBlock sse = bucket.resource("aws_s3_bucket_server_side_encryption_configuration", "this").block("rule");
        assertThat(sse.block("apply_server_side_encryption_by_default").text("sse_algorithm"))
            .isEqualTo("var.sse_algorithm");
        assertThat(sse.block("apply_server_side_encryption_by_default").text("kms_master_key_id"))
            .isEqualTo("local.kms_key_arn");
        assertThat(bucket.resource("aws_kms_key", "this").literal("enable_key_rotation")).isEqualTo("true");
        // SSE-S3 by default: no key that an IAM administrator could disable or schedule for deletion
        assertThat(bucket.all("variable").stream().filter(v -> v.is("variable", "sse_algorithm")).findFirst()
            .orElseThrow().literal("default")).isEqualTo("AES256");
    }

    @Test
    void aCreatedKeyMayBeDisabledDeletedRepoliciedOrGrantedOnlyByTheBreakGlassRole() {
        HclBlock key = bucket.resource("aws_kms_key", "this");
        assertThat(key.text("policy")).isEqualTo("one(data.aws_iam_policy_document.kms[*].json)");
        assertThat(bucket.localList("kms_guarded_actions")).containsExactlyInAnyOrder(
            "kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:CreateGrant");
        assertThat(bucket.policy("kms")).filteredOn(PolicyStatement::denies).singleElement().satisfies(guard -> {
            assertThat(guard.actions()).containsExactly("local.kms_guarded_actions");
            assertThat(guard.principals()).containsExactly("AWS *");
            assertThat(guard.conditions()).containsExactly(new PolicyStatement.Condition("ArnNotEquals",
                "aws:PrincipalArn", List.of("var.kms_break_glass_role_arn")));
        });
        // others may only use the key, and only through S3
        assertThat(bucket.policy("kms")).filteredOn(PolicyStatement::allows)
            .filteredOn(s -> !s.sid().equals("AccountIamPoliciesMayGrantUse")).singleElement().satisfies(use -> {
                assertThat(use.actions()).containsExactlyInAnyOrder("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey");
                assertThat(use.hasCondition("StringEquals", "kms:ViaService", "local.s3_via_service")).isTrue();
            });
        // a plan that would delete the key (switching an existing bucket to SSE-S3) fails instead
        assertThat(key.block("lifecycle").literal("prevent_destroy")).isEqualTo("true");
        assertThat(key.block("lifecycle").blocks("precondition")).extracting(p -> p.text("condition")).containsExactly(
            "var.kms_break_glass_role_arn != null",
            "var.generation_days != null && var.kms_key_deletion_window_days > var.default_retention_days + "
                + "coalesce(var.generation_days, 0)");
    }

    @Test
    void aReplicaInAnotherAccountLetsTheSourceReplicateButNeverDelete() {
        assertThat(bucket.policy("replica_grants")).isNotEmpty().allSatisfy(statement -> {
            assertThat(statement.allows()).isTrue();
            assertThat(statement.principals()).containsExactly("AWS var.replication_source_role_arns");
            assertThat(statement.actions()).noneMatch(a -> a.contains("Delete") || a.contains("*")
                || a.startsWith("s3:Put"));
        });
    }

    @Test
    void theSwitchesForS3CompatibleProvidersDefaultToEverythingOn() {
        for (String name : List.of("ownership_controls", "public_access_block", "bucket_policy", "deny_insecure_transport",
            "policy_lock_conditions", "lifecycle_rules")) {
            assertThat(bucket.all("variable").stream().filter(v -> v.is("variable", name)).findFirst().orElseThrow()
                .literal("default")).as(name).isEqualTo("true");
        }
        assertThat(bucket.data("aws_iam_policy_document", "bucket").text("source_policy_documents"))
            .isEqualTo("concat(var.deny_insecure_transport, ?, [data.aws_iam_policy_document.tls.json], :, [], "
                + "var.policy_lock_conditions, ?, [data.aws_iam_policy_document.lock_conditions.json], :, [], "
                + "local.replica_of_another_account, ?, [data.aws_iam_policy_document.replica_grants[0].json], :, [], "
                + "var.additional_policy_documents)");
    }

    @Test
    void theBucketPolicyIsTheDocumentWithTheDenyStatements() {
        assertThat(bucket.resource("aws_s3_bucket_policy", "this").text("policy"))
            .isEqualTo("data.aws_iam_policy_document.bucket.json");
        assertThat(policy()).allSatisfy(statement -> {
            assertThat(statement.denies()).as(statement.where()).isTrue();
            assertThat(statement.forEveryone()).as(statement.where()).isTrue();
            assertThat(statement.dynamic()).as(statement.where())
                .isEqualTo(statement.sid().equals("DenyPutObjectWithoutIfNoneMatch"));
        });
    }

    @Test
    void writesWithoutIfNoneMatchAreDeniedUnlessSwitchedOffAndTheyAreByDefault() {
        assertThat(bucket.policy("bucket")).filteredOn(s -> s.sid().equals("DenyPutObjectWithoutIfNoneMatch"))
            .singleElement().satisfies(statement -> {
                assertThat(statement.actions()).containsExactly("s3:PutObject");
                assertThat(statement.resources()).containsExactly("local.bucket_objects");
                // both must hold: CreateMultipartUpload and UploadPart (ObjectCreationOperation false) never carry it
                assertThat(statement.conditions()).containsExactlyInAnyOrder(
                    new PolicyStatement.Condition("Null", "s3:if-none-match", List.of("true")),
                    new PolicyStatement.Condition("Bool", "s3:ObjectCreationOperation", List.of("true")));
            });
        assertThat(bucket.data("aws_iam_policy_document", "bucket").blocks("dynamic")).singleElement()
            .satisfies(dynamic -> assertThat(dynamic.text("for_each"))
                .isEqualTo("var.require_if_none_match ? [true] : []"));
        assertThat(bucket.all("variable").stream().filter(v -> v.is("variable", "require_if_none_match"))
            .findFirst().orElseThrow().literal("default")).isEqualTo("true");
    }

    @Test
    void requestsWithoutTlsAreDeniedForTheBucketAndEveryObject() {
        assertThat(policy()).anySatisfy(statement -> {
            assertThat(statement.actions()).containsExactly("s3:*");
            assertThat(statement.resources()).containsExactlyInAnyOrder("local.bucket_arn", "local.bucket_objects");
            assertThat(statement.hasCondition("Bool", "aws:SecureTransport", "false")).isTrue();
        });
        assertThat(bucket.local("bucket_arn")).isEqualTo("aws_s3_bucket.this.arn");
        assertThat(bucket.local("bucket_objects")).isEqualTo("${aws_s3_bucket.this.arn}/*");
    }

    @Test
    void writesThatAskForAnotherLockModeAreDenied() {
        assertThat(policy()).anySatisfy(statement -> {
            assertThat(statement.actions()).containsExactly("s3:PutObject");
            assertThat(statement.resources()).containsExactly("local.bucket_objects");
            // IfExists: UploadPart and CompleteMultipartUpload count as PutObject and never carry the header
            assertThat(statement.conditions()).containsExactly(
                new PolicyStatement.Condition("StringNotEqualsIfExists", "s3:object-lock-mode", List.of("COMPLIANCE")));
        });
        assertThat(policy()).anySatisfy(statement -> {
            assertThat(statement.actions()).containsExactly("s3:PutObjectRetention");
            assertThat(statement.conditions()).containsExactly(
                new PolicyStatement.Condition("StringNotEquals", "s3:object-lock-mode", List.of("COMPLIANCE")));
        });
    }

    @Test
    void locksLongerThanTheCapAreDenied() {
        assertThat(policy()).anySatisfy(statement -> {
            assertThat(statement.actions()).containsExactlyInAnyOrder("s3:PutObject", "s3:PutObjectRetention");
            assertThat(statement.conditions()).containsExactly(new PolicyStatement.Condition("NumericGreaterThan",
                "s3:object-lock-remaining-retention-days", List.of("tostring(var.max_retention_days)")));
        });
    }

    @Test
    void lifecycleAbortsUploadsExpiresOnlyNoncurrentVersionsAndOrphanDeleteMarkers() {
        List<HclBlock> rules = bucket.resource("aws_s3_bucket_lifecycle_configuration", "this").blocks("rule");
        assertThat(rules).extracting(rule -> rule.literal("id")).containsExactly(
            "abort-incomplete-multipart-uploads", "expire-noncurrent-versions", "remove-orphan-delete-markers");
        assertThat(rules).allSatisfy(rule -> assertThat(rule.literal("status")).isEqualTo("Enabled"));
        assertThat(rules.get(0).block("abort_incomplete_multipart_upload").text("days_after_initiation"))
            .isEqualTo("var.abort_incomplete_multipart_days");
        assertThat(rules.get(1).block("noncurrent_version_expiration").text("noncurrent_days"))
            .isEqualTo("local.noncurrent_days");
        assertThat(bucket.local("noncurrent_days"))
            .isEqualTo("coalesce(var.noncurrent_version_expiration_days, var.max_retention_days)");
        // expiring current versions would put a delete marker on every live object: only orphans may go
        assertThat(rules.stream().flatMap(rule -> rule.blocks("expiration").stream()))
            .singleElement().satisfies(expiration -> {
                assertThat(expiration.attributes()).containsOnlyKeys("expired_object_delete_marker");
                assertThat(expiration.literal("expired_object_delete_marker")).isEqualTo("true");
            });
    }

    @Test
    void replicationKeepsDeleteMarkersAtHomeAndItsRoleCannotDelete() {
        HclBlock rule = bucket.resource("aws_s3_bucket_replication_configuration", "this").block("rule");
        assertThat(rule.block("delete_marker_replication").literal("status")).isEqualTo("Disabled");
        assertThat(bucket.policy("replication")).allSatisfy(statement -> {
            assertThat(statement.allows()).isTrue();
            assertThat(statement.actions()).noneMatch(a -> a.contains("Delete") || a.contains("Bypass")
                || a.contains("*") || a.startsWith("s3:Put"));
        });
    }

    @Test
    void theCapMayNotBeBelowTheDefaultRetention() {
        HclBlock precondition = bucket.resource("aws_s3_bucket", "this").block("lifecycle").block("precondition");
        assertThat(precondition.text("condition")).isEqualTo("var.max_retention_days >= var.default_retention_days");
    }
}
