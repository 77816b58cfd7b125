package io.segvault.core.restore;

import io.segvault.core.manifest.RestorePoint;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.BitSet;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A restore's downloads as views over its point, each {@link Restorer.Download} built when asked for: a point of 200,000
 * segments would otherwise hold 200,000 keys and paths besides its entries (issue 20).
 */
final class DownloadList {

    private DownloadList() {
    }

    /** Every object of {@code point} (but its nonce) as a download into {@code repo}; keys under {@code base}. */
    static List<Restorer.Download> of(RestorePoint point, Path repo, String base) {
        int perDir = point.segmentsPerDir() > 0 ? point.segmentsPerDir() : 1000;
        List<RestorePoint.SegmentEntry> segs = point.segments();
        List<RestorePoint.ControlEntry> controls = point.control().stream().filter(c -> !c.name().equals("nonce")).toList();
        return new AbstractList<>() {
            @Override
            public Restorer.Download get(int i) {
                if (i < segs.size()) {
                    RestorePoint.SegmentEntry s = segs.get(i);
                    Path file = repo.resolve("data").resolve(Long.toString(s.n() / perDir)).resolve(Long.toString(s.n()));
                    return new Restorer.Download(base + s.key(), s.versionId(), s.size(), s.sha256(), file);
                }
                RestorePoint.ControlEntry c = controls.get(i - segs.size());
                return new Restorer.Download(base + c.key(), c.versionId(), c.size(), c.sha256(), repo.resolve(c.name()));
            }

            @Override
            public int size() {
                return segs.size() + controls.size();
            }
        };
    }

    /** The entries of {@code all} whose index is not in {@code kept}. */
    static List<Restorer.Download> without(List<Restorer.Download> all, BitSet kept) {
        int[] left = IntStream.range(0, all.size()).filter(i -> !kept.get(i)).toArray();
        return new AbstractList<>() {
            @Override
            public Restorer.Download get(int i) {
                return all.get(left[i]);
            }

            @Override
            public int size() {
                return left.length;
            }
        };
    }
}
