package io.segvault.core.replicate;

import io.segvault.core.borg.BorgRepository;
import io.segvault.core.borg.KnownSegment;
import io.segvault.core.borg.SegmentFile;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.ledger.PointRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Computes {@link RepoStatus} from the repository on disk and the ledger. */
public final class StatusReader {

    private final Ledger ledger;
    private final BucketLayout layout;
    private final Clock clock;

    public StatusReader(Ledger ledger, BucketLayout layout, Clock clock) {
        this.ledger = ledger;
        this.layout = layout;
        this.clock = clock;
    }

    public RepoStatus read(String repo, Path path) {
        Optional<PointRecord> newest = ledger.newestPoint(repo);
        Long offsite = newest.map(PointRecord::transaction).orElse(null);
        Instant earliest = ledger.earliestLive(repo).orElse(null);
        List<String> events = ledger.events(repo, 5).stream()
                .map(e -> e.at() + " " + e.kind() + " segment " + e.segment() + ": " + e.detail()).toList();
        var pass = ledger.lastPass(repo);
        Long committed = null;
        int pending = 0;
        long pendingBytes = 0;
        long lag = 0;
        String problem = null;
        try {
            BorgRepository borg = BorgRepository.open(path);
            committed = borg.committedTransaction().isPresent() ? borg.committedTransaction().getAsLong() : null;
            if (committed != null && !committed.equals(offsite)) {
                Map<Long, KnownSegment> known = ledger.segmentCatalog().known(repo);
                for (SegmentFile s : borg.segments()) {
                    if (s.number() <= committed && !offsite(repo, known.get(s.number()), s)) {
                        pending++;
                        pendingBytes += s.size();
                    }
                }
                lag = lagSeconds(path, committed);
            }
        } catch (RuntimeException e) {
            problem = e.getMessage();
        }
        return new RepoStatus(repo, path.toString(), committed, offsite, newest.map(PointRecord::createdAt).orElse(null), pending,
                pendingBytes, lag, earliest, ledger.eventCount(repo), events, pass.map(Ledger.PassRecord::ok).orElse(null),
                pass.map(Ledger.PassRecord::message).orElse(null), pass.map(Ledger.PassRecord::at).orElse(null), problem);
    }

    private boolean offsite(String repo, KnownSegment known, SegmentFile s) {
        if (known == null || known.size() != s.size()) {
            return false;
        }
        return ledger.object(layout.segment(repo, s.number(), known.sha256())).isPresent();
    }

    /** Seconds since borg wrote index.T (the commit) of the transaction that is not offsite yet. */
    private long lagSeconds(Path path, long committed) {
        try {
            Instant commitTime = Files.getLastModifiedTime(path.resolve("index." + committed)).toInstant();
            return Math.max(0, Duration.between(commitTime, clock.instant()).toSeconds());
        } catch (IOException e) {
            return 0;
        }
    }
}
