package io.segvault.core.store.s3;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import io.segvault.core.store.ObjectVersion;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;

/** Ranged reads and version listings of one bucket. */
final class S3Reads {

    private final S3Client s3;
    private final String bucket;

    S3Reads(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    InputStream get(String key, String versionId, long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative (reading " + key + ")");
        }
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        String range = offset == 0 && length < 0 ? null
                : "bytes=" + offset + "-" + (length < 0 ? "" : Long.toString(offset + length - 1));
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key).versionId(versionId).range(range));
        } catch (RuntimeException e) {
            if (isInvalidRange(e) && offset == sizeOf(key, versionId)) {
                return InputStream.nullInputStream(); // reading from the very end: nothing left
            }
            throw S3Errors.map(bucket, key, "GetObject version " + versionId + (range == null ? "" : " " + range), e);
        }
    }

    private static boolean isInvalidRange(RuntimeException e) {
        return e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException s && s.statusCode() == 416;
    }

    private long sizeOf(String key, String versionId) {
        try {
            return s3.headObject(b -> b.bucket(bucket).key(key).versionId(versionId)).contentLength();
        } catch (RuntimeException e) {
            throw S3Errors.map(bucket, key, "HeadObject version " + versionId, e);
        }
    }

    /** Versions and delete markers under {@code prefix}, by key, the current one first, then newest first. */
    List<ObjectVersion> listVersions(String prefix) {
        List<ObjectVersion> out = new ArrayList<>();
        for (ListObjectVersionsResponse page : s3.listObjectVersionsPaginator(b -> b.bucket(bucket).prefix(prefix))) {
            for (software.amazon.awssdk.services.s3.model.ObjectVersion v : page.versions()) {
                out.add(new ObjectVersion(v.key(), v.versionId(), v.size(), v.lastModified(),
                        Boolean.TRUE.equals(v.isLatest()), false));
            }
            for (DeleteMarkerEntry m : page.deleteMarkers()) {
                out.add(new ObjectVersion(m.key(), m.versionId(), 0, m.lastModified(),
                        Boolean.TRUE.equals(m.isLatest()), true));
            }
        }
        out.sort(Comparator.comparing(ObjectVersion::key)
                .thenComparing(ObjectVersion::latest, Comparator.reverseOrder())
                .thenComparing(ObjectVersion::lastModified, Comparator.reverseOrder()));
        return out;
    }
}
