package io.segvault.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.terraform.TerraformTree.Configuration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Least privilege of the agent, restore and gc identities in terraform/modules/iam, read from its HCL. */
class IamModuleTest {
    private static final Set<String> AGENT_S3 = Set.of(
        "s3:PutObject", "s3:PutObjectRetention", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
        "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectRetention", "s3:GetObjectAttributes",
        "s3:GetObjectVersionAttributes", "s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads",
        "s3:GetBucketObjectLockConfiguration", "s3:GetBucketVersioning");
    private static final List<Pattern> NEVER_FOR_AGENT = List.of(
        Pattern.compile("s3:Delete.*"), Pattern.compile("s3:Bypass.*"), Pattern.compile("s3:Put.*Configuration"),
        Pattern.compile("s3:PutBucketPolicy"), Pattern.compile("\\*|s3:\\*"));

    private final Configuration iam = TerraformTree.load("modules/iam");

    private List<String> allowed(String document) {
        return iam.policy(document).stream().filter(PolicyStatement::allows)
            .flatMap(statement -> statement.actions().stream()).toList();
    }

    @Test
    void everyAllowNamesExactActionsNeverAWildcard() {
        for (String document : List.of("agent", "restore", "gc")) {
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
    void theAgentPolicyAlsoDeniesDeletingAndReconfiguringOutright() {
        assertThat(iam.policy("agent")).filteredOn(PolicyStatement::denies).singleElement().satisfies(guard -> {
            assertThat(guard.actions()).contains("s3:Delete*", "s3:BypassGovernanceRetention", "s3:Put*Configuration",
                "s3:PutBucketPolicy", "s3:PutBucketVersioning", "s3:PutObjectLegalHold");
            assertThat(guard.resources()).containsExactlyInAnyOrder("var.bucket_arn", "${var.bucket_arn}/*");
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
        for (String document : List.of("agent", "restore", "gc")) {
            assertThat(iam.policy(document)).filteredOn(PolicyStatement::allows)
                .allSatisfy(statement -> assertThat(statement.resources()).as(statement.where())
                    .isSubsetOf("local.objects_arn", "var.bucket_arn", "statement.value"));
        }
    }

    @Test
    void listingTheBucketIsConditionedOnThePrefix() {
        for (String document : List.of("agent", "restore", "gc")) {
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
        for (String document : List.of("agent", "restore", "gc")) {
            assertThat(iam.policy(document)).filteredOn(PolicyStatement::allows)
                .filteredOn(s -> s.resources().contains("var.bucket_arn"))
                .allSatisfy(statement -> assertThat(statement.actions()).as(statement.where())
                    .allMatch(a -> a.startsWith("s3:List") || a.startsWith("s3:GetBucket")));
        }
    }

    @Test
    void keyUseIsOnlyThroughS3AndOnlyWithSseKms() {
        for (String document : List.of("agent", "restore")) {
            assertThat(iam.policy(document)).filteredOn(s -> s.actions().stream().anyMatch(a -> a.startsWith("kms:")))
                .singleElement().satisfies(statement -> {
                    assertThat(statement.dynamic()).isTrue();
                    assertThat(statement.resources()).containsExactly("statement.value");
                    assertThat(statement.hasCondition("StringEquals", "kms:ViaService", "local.kms_via_s3")).isTrue();
                });
        }
        assertThat(iam.data("aws_iam_policy_document", "agent").blocks("dynamic")).singleElement()
            .satisfies(dynamic -> assertThat(dynamic.text("for_each")).isEqualTo("local.use_kms ? [var.kms_key_arn] : []"));
    }
}
