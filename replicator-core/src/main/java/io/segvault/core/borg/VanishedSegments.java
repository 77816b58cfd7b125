package io.segvault.core.borg;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Decides which tamper events the disappearance of known segments raises; see {@link TamperDetector}. */
final class VanishedSegments {

    private final String repo;
    private final Map<Long, KnownSegment> known;
    private final long knownTransaction;
    private final Snapshot snapshot;
    private final double massFraction;
    private final Instant at;

    VanishedSegments(String repo, Map<Long, KnownSegment> known, long knownTransaction, Snapshot snapshot,
                     double massFraction, Instant at) {
        this.repo = repo;
        this.known = known;
        this.knownTransaction = knownTransaction;
        this.snapshot = snapshot;
        this.massFraction = massFraction;
        this.at = at;
    }

    List<TamperEvent> events(List<KnownSegment> vanished) {
        boolean advanced = snapshot.transaction() > knownTransaction;
        String indexName = "index." + snapshot.transaction();
        Set<Long> referenced = null;
        String indexProblem = null;
        if (advanced) {
            try {
                referenced = snapshot.control(indexName).map(c -> IndexFile.referencedSegments(c.copy())).orElse(null);
                indexProblem = referenced == null ? "the snapshot has no copy of " + indexName : null;
            } catch (BorgRepositoryException e) {
                indexProblem = e.getMessage();
            }
        }
        List<KnownSegment> unexplained = new ArrayList<>();
        for (KnownSegment segment : vanished) {
            if (!advanced || referenced == null || referenced.contains(segment.number())) {
                unexplained.add(segment);
            }
        }
        if (isMass(vanished)) {
            return List.of(mass(vanished, unexplained, advanced));
        }
        List<TamperEvent> events = new ArrayList<>();
        for (KnownSegment segment : unexplained) {
            events.add(new TamperEvent(repo, TamperEvent.Kind.SEGMENT_VANISHED, segment.number(),
                    vanishedDetail(segment, advanced, indexName, indexProblem), at));
        }
        return events;
    }

    private boolean isMass(List<KnownSegment> vanished) {
        long knownBytes = bytes(known.values());
        long added = snapshot.segments().stream().filter(s -> s.number() > knownTransaction)
                .mapToLong(SegmentFile::size).sum();
        long lost = bytes(vanished) - added;
        return vanished.size() > massFraction * known.size() && lost > massFraction * knownBytes;
    }

    private TamperEvent mass(List<KnownSegment> vanished, List<KnownSegment> unexplained, boolean advanced) {
        String detail = vanished.size() + " of " + known.size() + " known segments (" + bytes(vanished) + " of "
                + bytes(known.values()) + " bytes) vanished at once: " + ranges(vanished) + "; committed transaction "
                + knownTransaction + " -> " + snapshot.transaction()
                + (advanced ? " (advanced: a bulk delete/prune followed by compact, or files wiped and a new commit)"
                        : " (did not advance: deleted outside borg)")
                + "; " + unexplained.size() + " of them not explained by a compaction. If this was not an intended"
                + " cleanup, stop writing to the repository and restore from the offsite copy.";
        return new TamperEvent(repo, TamperEvent.Kind.MASS_DISAPPEARANCE, -1, detail, at);
    }

    private String vanishedDetail(KnownSegment segment, boolean advanced, String indexName, String indexProblem) {
        String head = "segment " + segment.number() + " (" + segment.size() + " bytes, sha256 "
                + segment.sha256().substring(0, 16) + "...) vanished";
        if (!advanced) {
            return head + " while the committed transaction did not advance (" + knownTransaction + " -> "
                    + snapshot.transaction() + "): deleted outside borg. borg list will not notice; borg check"
                    + " reports missing objects. The offsite copy still has it.";
        }
        if (indexProblem != null) {
            return head + "; transaction advanced " + knownTransaction + " -> " + snapshot.transaction()
                    + " but whether a compaction removed it is unknown: " + indexProblem;
        }
        return head + " although " + indexName + " of the newer transaction still points into it: not removed by"
                + " borg compact but deleted outside borg; the repository is missing data (borg check will report"
                + " it). The offsite copy still has it.";
    }

    private static long bytes(Collection<KnownSegment> segments) {
        return segments.stream().mapToLong(KnownSegment::size).sum();
    }

    /** Segment numbers as ranges, e.g. {@code 0-6, 8-11, 13}. */
    static String ranges(List<KnownSegment> segments) {
        List<String> parts = new ArrayList<>();
        long start = -1;
        long end = -1;
        for (KnownSegment s : segments) {
            if (start >= 0 && s.number() == end + 1) {
                end = s.number();
                continue;
            }
            if (start >= 0) {
                parts.add(start == end ? Long.toString(start) : start + "-" + end);
            }
            start = s.number();
            end = s.number();
        }
        if (start >= 0) {
            parts.add(start == end ? Long.toString(start) : start + "-" + end);
        }
        return String.join(", ", parts);
    }
}
