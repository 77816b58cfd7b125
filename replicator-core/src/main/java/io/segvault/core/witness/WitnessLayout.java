package io.segvault.core.witness;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.manifest.ManifestCodec;

import java.nio.charset.StandardCharsets;

/**
 * Where the witness writes: {@code <prefix>_witness/<repo>/attestations/<T>-<point sha256>.json} and
 * {@code <prefix>_witness/<repo>/refusals/<T>-<32 hex>.json}. A repository name never starts with {@code _}, so the witness
 * prefix never overlaps a repository; the agent's identity may not write it (Terraform and the bucket policy deny it), and
 * even where it could, nothing there counts without the witness's signature.
 */
public final class WitnessLayout {

    public static final String DIR = "_witness/";
    private final BucketLayout layout;

    public WitnessLayout(BucketLayout layout) {
        this.layout = layout;
    }

    public BucketLayout bucketLayout() {
        return layout;
    }

    /** {@code <prefix>_witness/}. */
    public String root() {
        return layout.prefix() + DIR;
    }

    /** Everything the witness wrote about {@code repo}. */
    public String repoPrefix(String repo) {
        return root() + BucketLayout.checkRepoName(repo) + "/";
    }

    public String attestation(String repo, long transaction, String pointSha256) {
        return repoPrefix(repo) + "attestations/" + BucketLayout.pad(transaction) + "-" + pointSha256 + ".json";
    }

    public String refusal(String repo, long transaction, String pointKey, String pointVersionId) {
        String id = ManifestCodec.sha256((pointKey + "\n" + pointVersionId).getBytes(StandardCharsets.UTF_8)).substring(0, 32);
        return repoPrefix(repo) + "refusals/" + BucketLayout.pad(transaction) + "-" + id + ".json";
    }
}
