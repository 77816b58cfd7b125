package io.segvault.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.terraform.TerraformTree.Configuration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Least privilege of the agent, restore, witness and gc identities in terraform/modules/iam, read from its HCL. */
class IamModuleTest {
    private static final Set<String> AGENT_S3 = Set.of(
        "s3:PutObject", "s3:PutObjectRetention", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
        "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectRetention", "s3:GetObjectAttributes",
        "s3:GetObjectVersionAttributes", "s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads",
        "s3:GetBucketObjectLockConfiguration", "s3:GetBucketVersioning");
    private static final List<Pattern> NEVER_FOR_AGENT = List.of(
        Pattern.compile("s3:Delete.*"), Pattern.compile("s3:Bypass.*"), Pattern.compile("s3:Put.*Configuration"),
        Pattern.compile("s3:PutBucketPolicy"), Pattern.compile("\\*|s3:\\*"));

    private static final Set<String> WITNESS_S3 = Set.of(
        "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketVersioning",
        "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectRetention", "s3:GetObjectAttributes",
        "s3:GetObjectVersionAttributes", "s3:PutObject", "s3:PutObjectRetention");
    private static final List<String> ALL = List.of("agent", "restore", "witness", "gc");

    private final Configuration iam = TerraformTree.load("modules/iam");

    private List<String> allowed(String document) {
        return iam.policy(document).stream().filter(PolicyStatement::allows)
            .flatMap(statement -> statement.actions().stream()).toList();
    }

    @Test
    void everyAllowNamesExactActionsNeverAWildcard() {
        for (String document : ALL) {
            assertThat(allowed(document)).as(document).isNotEmpty().noneMatch(action -> action.contains("*"));
        }
    }

    @Test
    void theAgentMayWriteLockReadAndListButNeverDeleteBypassOrReconfigure() {
        List<String> agent = allowed("agent");
        assertThat(agent.stream().filter(a -> a.startsWith("s3:"))).containsExactlyInAnyOrderElementsOf(AGENT_S3);
        assertThat(agent).noneMatch(action -> NEVER_FOR_AGENT.stream().anyMatch(p -> p.matcher(action).matches()));
        assertThat(agent.stream().filter(a -> a.startsWith("kms:")))
            .containsExactlyInAnyOrder("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey");
    }

    @Test
    void agentRestoreAndWitnessDenyDeletingAndReconfiguringOutright() {
        assertThat(iam.localList("never")).contains("s3:Delete*", "s3:BypassGovernanceRetention",
            "s3:Put*Configuration", "s3:PutBucketPolicy", "s3:PutBucketVersioning", "s3:PutObjectLegalHold");
        for (String document : List.of("agent", "restore", "witness")) {
            assertThat(iam.policy(document)).as(document).filteredOn(s -> s.sid().equals("NeverDeleteOrReconfigure"))
                .singleElement().satisfies(guard -> {
                    assertThat(guard.denies()).isTrue();
                    assertThat(guard.actions()).containsExactly("local.never");
                    assertThat(guard.resources()).containsExactlyInAnyOrder("var.bucket_arn", "${var.bucket_arn}/*");
                });
        }
    }

    @Test
    void theAgentMayNeverWriteTheWitnessPrefix() {
        assertThat(iam.local("witness_objects_arn")).isEqualTo("${var.bucket_arn}/${var.prefix}_witness/*");
        assertThat(iam.local("witness_prefix")).isEqualTo("${var.prefix}_witness/");
        assertThat(iam.policy("agent")).filteredOn(s -> s.sid().equals("NeverWriteTheWitnessPrefix"))
            .singleElement().satisfies(guard -> {
                assertThat(guard.denies()).isTrue();
                assertThat(guard.actions()).containsExactlyInAnyOrder("s3:PutObject*", "s3:AbortMultipartUpload");
                assertThat(guard.resources()).containsExactly("local.witness_objects_arn");
            });
    }

    @Test
    void theWitnessReadsTheAgentsPrefixAndWritesOnlyItsOwnAndNeverDeletes() {
        List<String> witness = allowed("witness");
        assertThat(witness.stream().filter(a -> a.startsWith("s3:"))).containsExactlyInAnyOrderElementsOf(WITNESS_S3);
        assertThat(witness).noneMatch(action -> NEVER_FOR_AGENT.stream().anyMatch(p -> p.matcher(action).matches()));
        assertThat(iam.policy("witness")).filteredOn(PolicyStatement::allows)
            .filteredOn(s -> s.actions().stream().anyMatch(a -> a.startsWith("s3:Put")))
            .singleElement().satisfies(write -> {
                assertThat(write.actions()).containsExactlyInAnyOrder("s3:PutObject", "s3:PutObjectRetention");
                assertThat(write.resources()).containsExactly("local.witness_objects_arn");
            });
        assertThat(iam.policy("witness")).filteredOn(s -> s.sid().equals("NeverWriteOutsideOwnPrefix"))
            .singleElement().satisfies(guard -> {
                assertThat(guard.denies()).isTrue();
                assertThat(guard.actions()).contains("s3:PutObject*");
                assertThat(guard.resources()).isEmpty();
                assertThat(guard.notResources()).containsExactly("local.witness_objects_arn");
            });
        assertThat(iam.policy("witness")).filteredOn(s -> s.actions().contains("sts:AssumeRole"))
            .singleElement().satisfies(assume -> assertThat(assume.resources()).containsExactly("aws_iam_role.gc.arn"));
        assertThat(witness.stream().filter(a -> a.startsWith("kms:")))
            .containsExactlyInAnyOrder("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey");
        // its reads are restore's, by construction
        assertThat(iam.data("aws_iam_policy_document", "witness").list("source_policy_documents"))
            .containsExactly("data.aws_iam_policy_document.restore.json");
        assertThat(iam.resource("aws_iam_policy", "witness").text("provider")).isEqualTo("aws.witness");
    }

    @Test
    void gcIsARoleOnlyTheWitnessMayAssumeAndWithMfaWhenRequired() {
        HclBlock gc = iam.resource("aws_iam_role", "gc");
        assertThat(gc.attribute("count")).isEmpty();
        assertThat(gc.text("assume_role_policy")).isEqualTo("data.aws_iam_policy_document.gc_trust.json");
        HclBlock trust = iam.data("aws_iam_policy_document", "gc_trust");
        assertThat(iam.policy("gc_trust")).singleElement().satisfies(statement -> {
            assertThat(statement.actions()).containsExactly("sts:AssumeRole");
            assertThat(statement.principals()).containsExactly("AWS local.witness_arn");
        });
        HclBlock mfa = trust.block("statement").block("dynamic");
        assertThat(mfa.labels()).containsExactly("condition");
        assertThat(mfa.text("for_each")).isEqualTo("var.require_mfa ? [true] : []");
        HclBlock condition = mfa.block("content");
        assertThat(List.of(condition.literal("test"), condition.literal("variable"), condition.list("values").get(0)))
            .containsExactly("Bool", "aws:MultiFactorAuthPresent", "true");
        // gc is not among the identities others may be trusted for
        assertThat(iam.local("host_identities")).isEqualTo("toset([agent, restore])");
        assertThat(iam.local("witness_arn"))
            .isEqualTo("local.use_roles ? aws_iam_role.witness[0].arn : aws_iam_user.witness[0].arn");
    }

    @Test
    void theWitnessBucketStatementsKeepEveryoneElseOutOfItsPrefix() {
        assertThat(iam.policy("witness_bucket")).filteredOn(PolicyStatement::allows).allSatisfy(statement -> {
            assertThat(statement.principals()).containsExactly("AWS local.witness_arn");
            assertThat(statement.actions()).noneMatch(a -> a.contains("Delete") || a.contains("*"));
        });
        assertThat(iam.policy("witness_bucket")).filteredOn(PolicyStatement::denies).singleElement()
            .satisfies(statement -> {
                assertThat(statement.forEveryone()).isTrue();
                assertThat(statement.resources()).containsExactly("local.witness_objects_arn");
                assertThat(statement.hasCondition("ArnNotEquals", "aws:PrincipalArn", "local.witness_arn")).isTrue();
            });
    }

    @Test
    void restoreOnlyReadsAndLists() {
        assertThat(allowed("restore")).isNotEmpty().allMatch(action ->
            action.startsWith("s3:Get") || action.startsWith("s3:List") || action.equals("kms:Decrypt"));
    }

    @Test
    void gcOnlyListsReadsAndDeletesVersions() {
        assertThat(allowed("gc")).containsExactlyInAnyOrder("s3:ListBucket", "s3:ListBucketVersions",
            "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectRetention", "s3:DeleteObjectVersion", "kms:Decrypt");
        assertThat(allowed("gc")).noneMatch(a -> a.startsWith("s3:Put") || a.equals("s3:DeleteObject")
            || a.startsWith("s3:Bypass"));
    }

    @Test
    void objectPermissionsReachOnlyThePrefix() {
        assertThat(iam.local("objects_arn")).isEqualTo("${var.bucket_arn}/${var.prefix}*");
        assertThat(iam.local("list_prefix")).isEqualTo("${var.prefix}*");
        for (String document : ALL) {
            assertThat(iam.policy(document)).filteredOn(PolicyStatement::allows)
                .allSatisfy(statement -> assertThat(statement.resources()).as(statement.where())
                    .isSubsetOf("local.objects_arn", "var.bucket_arn", "statement.value", "local.witness_objects_arn",
                        "aws_iam_role.gc.arn"));
        }
    }

    @Test
    void listingTheBucketIsConditionedOnThePrefix() {
        for (String document : ALL) {
            assertThat(iam.policy(document)).as(document)
                .filteredOn(s -> s.actions().contains("s3:ListBucket") || s.actions().contains("s3:ListBucketVersions"))
                .singleElement().satisfies(statement -> {
                    assertThat(statement.actions()).containsExactlyInAnyOrder("s3:ListBucket", "s3:ListBucketVersions");
                    assertThat(statement.resources()).containsExactly("var.bucket_arn");
                    assertThat(statement.hasCondition("StringLike", "s3:prefix", "local.list_prefix")).isTrue();
                });
        }
    }

    @Test
    void bucketLevelGrantsAreReadOnly() {
        for (String document : ALL) {
            assertThat(iam.policy(document)).filteredOn(PolicyStatement::allows)
                .filteredOn(s -> s.resources().contains("var.bucket_arn"))
                .allSatisfy(statement -> assertThat(statement.actions()).as(statement.where())
                    .allMatch(a -> a.startsWith("s3:List") || a.startsWith("s3:GetBucket")));
        }
    }

    @Test
    void keyUseIsOnlyThroughS3AndOnlyWithSseKms() {
        for (String document : List.of("agent", "restore", "witness")) {
            assertThat(iam.policy(document)).filteredOn(s -> s.actions().stream().anyMatch(a -> a.startsWith("kms:")))
                .isNotEmpty().allSatisfy(statement -> {
                    assertThat(statement.dynamic()).isTrue();
                    assertThat(statement.resources()).containsExactly("statement.value");
                    assertThat(statement.hasCondition("StringEquals", "kms:ViaService", "local.kms_via_s3")).isTrue();
                });
        }
        assertThat(iam.data("aws_iam_policy_document", "agent").blocks("dynamic")).singleElement()
            .satisfies(dynamic -> assertThat(dynamic.text("for_each")).isEqualTo("local.use_kms ? [var.kms_key_arn] : []"));
    }
}
