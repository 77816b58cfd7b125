package io.segvault.agent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second user of the local Ceph RADOS Gateway that scripts/s3-server.sh runs, made with {@code radosgw-admin} against
 * that server's ceph.conf (under {@code $SEGVAULT_RGW_DIR}, default /tmp/segvault-rgw). Fails, never skips, when the
 * tool or the server's state is missing.
 *
 * @param uid       the RGW user id
 * @param accessKey its access key
 * @param secretKey its secret key
 */
public record RgwUser(String uid, String accessKey, String secretKey) {

    /** The gateway's port (scripts/s3-server.sh's SEGVAULT_RGW_PORT, default 7480). */
    public static int gatewayPort() {
        String port = System.getenv("SEGVAULT_RGW_PORT");
        return port == null ? 7480 : Integer.parseInt(port);
    }

    /** The user's ARN as an RGW bucket policy names it. */
    public String arn() {
        return "arn:aws:iam:::user/" + uid;
    }

    /** Makes the user unless it exists (the keys are fixed, so a second run finds the same user). */
    public static RgwUser ensure(String uid, String accessKey, String secretKey) {
        RgwUser user = new RgwUser(uid, accessKey, secretKey);
        if (admin("user", "info", "--uid=" + uid).exit() != 0) {
            Run created = admin("user", "create", "--uid=" + uid, "--display-name=" + uid, "--access-key=" + accessKey,
                    "--secret-key=" + secretKey);
            if (created.exit() != 0) {
                throw new IllegalStateException("radosgw-admin user create --uid=" + uid + " failed: " + created.output());
            }
        }
        return user;
    }

    private record Run(int exit, String output) {
    }

    private static Run admin(String... args) {
        Path conf = Path.of(System.getenv().getOrDefault("SEGVAULT_RGW_DIR", "/tmp/segvault-rgw"), "ceph.conf");
        if (!Files.isRegularFile(conf)) {
            throw new IllegalStateException(conf + " does not exist: this test needs the local Ceph server of "
                    + "scripts/s3-server.sh (start it with `scripts/s3-server.sh start`, or run scripts/test.sh)");
        }
        try {
            Path log = Files.createTempFile("radosgw-admin-", ".log");
            List<String> cmd = new ArrayList<>(List.of(adminTool()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("CEPH_CONF", conf.toString());
            Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("radosgw-admin " + String.join(" ", args) + " did not finish in 2 minutes");
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run radosgw-admin: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running radosgw-admin", e);
        }
    }

    private static String adminTool() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path tool = Path.of(dir, "radosgw-admin");
            if (Files.isExecutable(tool)) {
                return tool.toString();
            }
        }
        throw new IllegalStateException("radosgw-admin is not installed (Debian package ceph-common; scripts/s3-server.sh "
                + "start installs it): this test makes a second S3 user with it");
    }
}
