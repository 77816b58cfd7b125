package io.segvault.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segvault.test.LockedBucket;
import io.segvault.test.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * A fresh look at the test bucket with the plain SDK client (never through segvault's own store): every object
 * version and delete marker, open multipart uploads.
 */
public final class BucketView {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LockedBucket bucket;

    public BucketView(LockedBucket bucket) {
        this.bucket = bucket;
    }

    /** Every version and delete marker under {@code prefix}, as {@code key@versionId} (delete markers end in {@code #marker}). */
    public Set<String> versions(String prefix) {
        Set<String> out = new TreeSet<>();
        for (ListObjectVersionsResponse page : bucket.s3().listObjectVersionsPaginator(b -> b.bucket(bucket.name()).prefix(prefix))) {
            page.versions().forEach(v -> out.add(v.key() + "@" + v.versionId()));
            page.deleteMarkers().forEach(m -> out.add(m.key() + "@" + m.versionId() + "#marker"));
        }
        return out;
    }

    /** Number of versions (and delete markers) per key under {@code prefix}. */
    public Map<String, Long> versionsPerKey(String prefix) {
        return versions(prefix).stream().collect(Collectors.groupingBy(v -> v.substring(0, v.lastIndexOf('@')), TreeMap::new,
                Collectors.counting()));
    }

    /** Keys under {@code prefix} that hold more than one version or a delete marker. */
    public Map<String, Long> keysWithSeveralVersions(String prefix) {
        Map<String, Long> out = new TreeMap<>(versionsPerKey(prefix));
        out.values().removeIf(n -> n == 1);
        return out;
    }

    /** Keys of the restore points of {@code repo} (under the test prefix), oldest first. */
    public List<String> pointKeys(String repo) {
        return versions(ConfigFile.PREFIX + repo + "/points/").stream().map(v -> v.substring(0, v.lastIndexOf('@'))).distinct()
                .sorted().toList();
    }

    /** Transactions that have a restore point of {@code repo} (format-1 or format-2 keys). */
    public java.util.Set<Long> pointTransactions(String repo) {
        io.segvault.core.layout.BucketLayout layout = new io.segvault.core.layout.BucketLayout(ConfigFile.PREFIX);
        java.util.Set<Long> out = new java.util.TreeSet<>();
        for (String key : pointKeys(repo)) {
            if (layout.parse(key) instanceof io.segvault.core.layout.BucketLayout.PointKey pk) {
                out.add(pk.transaction());
            }
        }
        return out;
    }

    /**
     * Checks the newest restore point of {@code repo} is transaction T of the directory {@code dir} and names exactly its
     * committed segments, each with the SHA-256 of the local file.
     */
    public void assertNewestPointIsCommitted(String repo, Path dir) {
        List<String> points = pointKeys(repo);
        assertThat(points).as("restore points of " + repo).isNotEmpty();
        String key = points.get(points.size() - 1);
        io.segvault.core.manifest.RestorePoint point = fullPoint(repo, key);
        assertThat(point.transaction()).as(key).isEqualTo(BorgRepos.committed(dir));
        Map<Long, String> named = new TreeMap<>();
        point.segments().forEach(s -> named.put(s.n(), s.sha256()));
        Map<Long, String> committed = new TreeMap<>();
        BorgRepos.committedSegments(dir).forEach((n, file) -> committed.put(n, sha256(file)));
        assertThat(named).as("segments of " + key).isEqualTo(committed);
    }

    private static String sha256(Path file) {
        try {
            return TestData.sha256(Files.newInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Multipart uploads under {@code prefix} that are neither completed nor aborted. */
    public List<String> openUploads(String prefix) {
        List<String> out = new ArrayList<>();
        for (ListMultipartUploadsResponse page : bucket.s3().listMultipartUploadsPaginator(b -> b.bucket(bucket.name()).prefix(prefix))) {
            for (MultipartUpload u : page.uploads()) {
                out.add(u.key() + " upload " + u.uploadId() + " initiated " + u.initiated());
            }
        }
        return out;
    }

    /** Parts already uploaded to the open multipart uploads under {@code prefix}. */
    public int uploadedParts(String prefix) {
        int parts = 0;
        for (ListMultipartUploadsResponse page : bucket.s3().listMultipartUploadsPaginator(b -> b.bucket(bucket.name()).prefix(prefix))) {
            for (MultipartUpload u : page.uploads()) {
                parts += bucket.s3().listParts(b -> b.bucket(bucket.name()).key(u.key()).uploadId(u.uploadId())).parts().size();
            }
        }
        return parts;
    }

    /** The point at {@code key} in full: a delta (format 3) is applied to its base, found by transaction and SHA-256. */
    private io.segvault.core.manifest.RestorePoint fullPoint(String repo, String key) {
        byte[] b = bucket.s3().getObjectAsBytes(r -> r.bucket(bucket.name()).key(key)).asByteArray();
        io.segvault.core.manifest.StoredPoint s = io.segvault.core.manifest.ManifestCodec.decode(b, key, repo,
                new io.segvault.core.layout.BucketLayout(ConfigFile.PREFIX));
        if (!s.delta()) {
            return s.point();
        }
        var prev = s.point().previous();
        String base = ConfigFile.PREFIX + repo + "/points/" + io.segvault.core.layout.BucketLayout.pad(prev.transaction()) + "-"
                + prev.sha256() + ".json";
        return io.segvault.core.manifest.PointDeltas.apply(fullPoint(repo, base), s, key);
    }
}
