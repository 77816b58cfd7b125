package io.segvault.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.terraform.TerraformTree.Configuration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Standard layout of every module and example, and what the examples hand to the agent. */
class ModuleLayoutTest {

    @Test
    void everyConfigurationHasTheStandardFiles() {
        List<Path> configurations = TerraformTree.configurations();
        assertThat(configurations).extracting(p -> TerraformTree.ROOT.relativize(p).toString().replace('\\', '/'))
            .containsExactlyInAnyOrder("modules/bucket", "modules/iam", "modules/agent-config",
                "examples/aws-single-region", "examples/aws-with-replica", "examples/aws-with-witness",
                "examples/s3-compatible");
        for (Path dir : configurations) {
            for (String file : List.of("main.tf", "variables.tf", "outputs.tf", "versions.tf")) {
                assertThat(dir.resolve(file)).as("%s/%s", dir, file).isRegularFile();
            }
        }
    }

    @Test
    void everyVariableHasADescriptionAndATypeAndEveryOutputADescription() {
        for (Path dir : TerraformTree.configurations()) {
            Configuration configuration = TerraformTree.load(dir);
            assertThat(configuration.all("variable")).as(dir.toString()).isNotEmpty().allSatisfy(variable -> {
                assertThat(variable.literal("description")).as(variable.where()).hasSizeGreaterThan(10);
                assertThat(variable.attribute("type")).as(variable.where()).isPresent();
            });
            assertThat(configuration.all("output")).as(dir.toString()).isNotEmpty().allSatisfy(output ->
                assertThat(output.literal("description")).as(output.where()).hasSizeGreaterThan(10));
        }
    }

    @Test
    void moduleVariablesWithoutADefaultAreValidated() {
        for (String module : List.of("modules/bucket", "modules/iam", "modules/agent-config")) {
            assertThat(TerraformTree.load(module).all("variable"))
                .filteredOn(v -> v.attribute("default").isEmpty() && !v.is("variable", "max_retention_days"))
                .allSatisfy(v -> assertThat(v.blocks("validation")).as(v.where()).isNotEmpty());
        }
    }

    @Test
    void theAwsProviderIsPinnedToMajorVersionFive() {
        for (Path dir : TerraformTree.configurations()) {
            HclBlock terraform = TerraformTree.load(dir).all("terraform").get(0);
            assertThat(terraform.text("required_version")).as(dir.toString()).isEqualTo(">= 1.5.0");
            if (!dir.endsWith("agent-config")) {
                HclBlock aws = terraform.block("required_providers").object("aws");
                assertThat(aws.literal("source")).isEqualTo("hashicorp/aws");
                assertThat(aws.literal("version")).as(dir.toString()).isEqualTo("~> 5.0");
            }
        }
    }

    @Test
    void examplesGiveTheAgentEverythingItsConfigNeeds() {
        for (String example : List.of("examples/aws-single-region", "examples/aws-with-replica",
            "examples/aws-with-witness")) {
            Configuration configuration = TerraformTree.load(example);
            assertThat(configuration.all("output")).extracting(o -> o.labels().get(0))
                .contains("bucket", "region", "prefix", "agent_role_arn", "restore_role_arn", "gc_role_arn",
                    "witness_role_arn", "witness_prefix", "agent_yaml");
            assertThat(configuration.module("agent_config").literal("source")).isEqualTo("../../modules/agent-config");
            assertThat(configuration.module("agent_config").text("bucket")).isEqualTo("module.bucket.bucket_name");
            assertThat(configuration.module("agent_config").text("prefix")).isEqualTo("module.iam.prefix");
            assertThat(configuration.module("iam").text("bucket_arn")).isEqualTo("module.bucket.bucket_arn");
            assertThat(TerraformTree.ROOT.resolve(example).resolve("README.md")).isRegularFile();
        }
    }

    @Test
    void theReplicaIsALockedBucketFromTheSameModuleInAnotherAccountAndRegion() {
        Configuration example = TerraformTree.load("examples/aws-with-replica");
        HclBlock replica = example.module("replica");
        assertThat(replica.literal("source")).isEqualTo("../../modules/bucket");
        assertThat(replica.text("max_retention_days")).isEqualTo("local.max_retention_days");
        assertThat(replica.text("replication_source_role_arns")).isEqualTo("[module.bucket.replication_role_arn]");
        HclBlock primary = example.module("bucket");
        assertThat(primary.text("replication")).contains("module.replica.bucket_arn", "module.replica.kms_key_arn");
        assertThat(providerAssumingARole(example, "replica").text("role_arn")).isEqualTo("var.replica_account_role_arn");
        assertThat(example.all("check")).extracting(check -> check.block("assert").text("condition")).containsExactly(
            "data.aws_caller_identity.replica.account_id != data.aws_caller_identity.primary.account_id",
            "var.replica_region != var.region");
    }

    @Test
    void theWitnessExampleMakesTheWitnessInAnotherAccountAndGivesItTheBucketPolicyItNeeds() {
        Configuration example = TerraformTree.load("examples/aws-with-witness");
        assertThat(providerAssumingARole(example, "witness").text("role_arn")).isEqualTo("var.witness_account_role_arn");
        HclBlock iam = example.module("iam");
        assertThat(iam.object("providers").text("aws.witness")).isEqualTo("aws.witness");
        assertThat(example.module("bucket").text("additional_policy_documents"))
            .isEqualTo("[module.iam.witness_bucket_policy_json]");
        assertThat(example.all("check")).singleElement().satisfies(check -> assertThat(check.block("assert")
            .text("condition")).isEqualTo(
                "data.aws_caller_identity.witness.account_id != data.aws_caller_identity.bucket.account_id"));
        for (String other : List.of("examples/aws-single-region", "examples/aws-with-replica")) {
            assertThat(TerraformTree.load(other).module("iam").object("providers").text("aws.witness")).as(other)
                .isEqualTo("aws");
        }
    }

    private static HclBlock providerAssumingARole(Configuration example, String alias) {
        HclBlock provider = example.all("provider").stream().filter(p -> p.attribute("alias").isPresent()
            && p.literal("alias").equals(alias)).findFirst().orElseThrow();
        return provider.block("assume_role");
    }

    @Test
    void theAgentConfigTemplateWritesEveryAgentKey() throws Exception {
        String template = Files.readString(TerraformTree.ROOT.resolve("modules/agent-config/agent.yaml.tftpl"));
        for (String key : List.of("bucket:", "endpoint:", "allowInsecureHttp:", "region:", "pathStyle:", "prefix:", "repos:", "  - name:",
            "    path:", "glob:", "retention:", "  duration:", "  generation:", "state:", "upload:", "  concurrency:",
            "  partSize:", "  maxBandwidth:")) {
            assertThat(template).as(key).containsPattern("(?m)^" + key);
        }
    }
}
