package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.test.S3TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * terraform/examples/s3-compatible applied for real: {@code terraform init -plugin-dir} from the local provider mirror,
 * {@code apply} against the local Ceph RGW (custom endpoint, path style, no AWS-only parts), then segvault preflight,
 * prove-lock and a sync of a real Borg repository into the bucket it made, and {@code terraform destroy}, which must
 * fail while locked objects exist, leaving every object as it was. A missing terraform or mirror fails the test.
 */
class TerraformApplyIT {

    private static final String PLUGIN_DIR_PROPERTY = "segvault.terraform.pluginDir";

    @TempDir
    Path tmp;

    @Test
    void apply_preflight_prove_lock_sync_and_a_refused_destroy() throws Exception {
        Terraform tf = Terraform.locate(tmp);
        S3TestServer server = S3TestServer.get();
        Path work = copyTerraformTree(tmp.resolve("tf")).resolve("examples/s3-compatible");
        String bucket = "sv-tf-apply-" + Long.toString(System.currentTimeMillis(), 36);
        Path repos = tmp.resolve("repos");
        Path repo = new BorgRepos(tmp).create(repos.resolve("alpha"), 18, 1);
        Files.writeString(work.resolve("terraform.tfvars.json"), """
                {"endpoint": "%s", "bucket_name": "%s", "region": "%s", "retention_days": 1, "generation_days": 1,
                 "deny_insecure_transport": false, "policy_lock_conditions": false, "lifecycle_rules": false,
                 "public_access_block": false,
                 "glob": "%s", "state_dir": "%s"}
                """.formatted(server.endpoint(), bucket, server.region().id(), repos.resolve("*"), tmp.resolve("state")));
        Map<String, String> env = credentials(server);

        tf.ok(work, env, "init", "-input=false", "-no-color", "-plugin-dir=" + tf.mirror());
        tf.ok(work, env, "apply", "-auto-approve", "-input=false", "-no-color");
        Path cfg = tmp.resolve("agent.yaml");
        Files.writeString(cfg, tf.ok(work, env, "output", "-raw", "agent_yaml"));
        assertThat(Files.readString(cfg)).contains("bucket: \"" + bucket + "\"", "endpoint: \"" + server.endpoint() + "\"",
                "pathStyle: true");

        Cli.Result preflight = Cli.main("preflight", "--config", cfg.toString());
        assertThat(preflight.exit()).as(preflight.both()).isZero();
        assertThat(preflight.out()).contains("COMPLIANCE");
        Cli.Result prove = Cli.main("prove-lock", "--config", cfg.toString(), "--retain", "10m");
        assertThat(prove.exit()).as(prove.both()).isZero();
        Cli.Result sync = Cli.main("sync", "--config", cfg.toString());
        assertThat(sync.exit()).as(sync.both()).isZero();

        try (S3Client s3 = server.newClient()) {
            Map<String, Instant> before = lockedVersions(s3, bucket);
            assertThat(before.keySet()).as("segments, control files and a restore point of alpha")
                    .anyMatch(k -> k.startsWith("borg/alpha/segments/"))
                    .anyMatch(k -> k.startsWith("borg/alpha/points/"));
            Terraform.Result destroy = tf.run(work, env, "destroy", "-auto-approve", "-input=false", "-no-color");
            assertThat(destroy.exit()).as("terraform destroy of a bucket holding locked objects must fail:\n"
                    + destroy.output()).isNotZero();
            // Ceph RGW 16 refuses to suspend versioning on a locked bucket before the bucket's own delete is reached
            // (which would be BucketNotEmpty); by then the policy and the default retention are gone (docs/terraform.md)
            assertThat(destroy.output()).containsAnyOf("InvalidBucketState", "BucketNotEmpty");
            assertThat(lockedVersions(s3, bucket)).as("every version still there, its lock unchanged").isEqualTo(before);
            assertThat(s3.getBucketVersioning(b -> b.bucket(bucket)).statusAsString()).isEqualTo("Enabled");
            assertThat(s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration()
                    .objectLockEnabledAsString()).isEqualTo("Enabled");
        }
        Cli.Result verify = Cli.main("verify", "--repo", "alpha", "--bucket", bucket, "--endpoint",
                server.endpoint().toString(), "--prefix", "borg/");
        assertThat(verify.exit()).as(verify.both()).isZero();
        assertThat(BorgRepos.committed(repo)).isPositive();
    }

    /** Key + version id of every version, mapped to its retain-until date. */
    private static Map<String, Instant> lockedVersions(S3Client s3, String bucket) {
        Map<String, Instant> locked = new TreeMap<>();
        for (ObjectVersion v : s3.listObjectVersionsPaginator(b -> b.bucket(bucket)).versions()) {
            Instant until = s3.headObject(b -> b.bucket(bucket).key(v.key()).versionId(v.versionId()))
                    .objectLockRetainUntilDate();
            locked.put(v.key() + "#" + v.versionId(), until);
        }
        return locked;
    }

    private static Map<String, String> credentials(S3TestServer server) {
        AwsCredentials c = server.credentials().resolveCredentials();
        return Map.of("AWS_ACCESS_KEY_ID", c.accessKeyId(), "AWS_SECRET_ACCESS_KEY", c.secretAccessKey(),
                "AWS_REGION", server.region().id());
    }

    /** terraform/modules and terraform/examples, so that init writes .terraform and state outside the checkout. */
    private static Path copyTerraformTree(Path target) throws IOException {
        Path root = Cli.projectRoot().resolve("terraform");
        for (String top : List.of("modules", "examples")) {
            Path source = root.resolve(top);
            try (Stream<Path> paths = Files.walk(source)) {
                for (Path p : paths.filter(p -> !p.toString().contains(".terraform")).toList()) {
                    Path dest = target.resolve(top).resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(dest);
                    } else {
                        Files.copy(p, dest);
                    }
                }
            }
        }
        return target;
    }

    /** The terraform binary and the hashicorp/aws mirror, offline: no checkpoint, an empty CLI config. */
    record Terraform(Path binary, Path mirror, Path cliConfig) {

        record Result(int exit, String output) {
        }

        static Terraform locate(Path scratch) throws IOException {
            Path binary = Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).filter(d -> !d.isBlank())
                    .map(d -> Path.of(d, "terraform")).filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new AssertionError("terraform is not installed (not on PATH): this test applies "
                            + "terraform/examples/s3-compatible for real; install it as the README says"));
            Path mirror = Path.of(System.getProperty(PLUGIN_DIR_PROPERTY,
                    System.getenv().getOrDefault("SEGVAULT_TERRAFORM_PLUGIN_DIR", "/opt/tf-plugins")));
            if (!Files.isDirectory(mirror.resolve("registry.terraform.io/hashicorp/aws"))) {
                throw new AssertionError("no hashicorp/aws provider mirror at " + mirror + " (expected "
                        + mirror.resolve("registry.terraform.io/hashicorp/aws") + "): the test never downloads the "
                        + "provider; set -D" + PLUGIN_DIR_PROPERTY + " or SEGVAULT_TERRAFORM_PLUGIN_DIR, see the README");
            }
            Path rc = scratch.resolve("terraformrc");
            Files.writeString(rc, "# empty: no network mirror, no credentials helpers\n");
            return new Terraform(binary, mirror, rc);
        }

        /** Runs it and fails the test unless it exits 0; returns stdout. */
        String ok(Path dir, Map<String, String> env, String... args) {
            Result r = run(dir, env, args);
            assertThat(r.exit()).as("terraform " + String.join(" ", args) + ":\n" + r.output()).isZero();
            return r.output();
        }

        Result run(Path dir, Map<String, String> env, String... args) {
            List<String> cmd = new ArrayList<>(List.of(binary.toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("TF_") || k.startsWith("AWS_"));
            pb.environment().putAll(env);
            pb.environment().put("CHECKPOINT_DISABLE", "1");
            pb.environment().put("TF_IN_AUTOMATION", "1");
            pb.environment().put("TF_CLI_CONFIG_FILE", cliConfig.toString());
            pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
            try {
                Path out = Files.createTempFile(dir, "terraform-" + args[0].toLowerCase(Locale.ROOT) + "-", ".log");
                if ("output".equals(args[0])) {
                    pb.redirectError(ProcessBuilder.Redirect.DISCARD); // stdout is the agent config itself
                } else {
                    pb.redirectErrorStream(true);
                }
                Process p = pb.redirectOutput(out.toFile()).start();
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new AssertionError("terraform " + String.join(" ", args) + " did not finish in 10 minutes");
                }
                String text = Files.readString(out, StandardCharsets.UTF_8);
                Files.delete(out);
                return new Result(p.exitValue(), text);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot run terraform " + String.join(" ", args), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted running terraform", e);
            }
        }
    }
}
