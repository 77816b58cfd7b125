package io.segvault.core.replicate;

import io.segvault.core.borg.Snapshot;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.ledger.PointRecord;
import io.segvault.core.ledger.UploadedObject;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.manifest.StoredPoint;
import io.segvault.core.metrics.RepoMetrics;
import io.segvault.core.store.ObjectReader;
import io.segvault.core.store.ObjectVersion;
import io.segvault.core.store.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the restore point of a transaction whose objects are all offsite, chained to the previous point, records it
 * in the ledger and makes its objects the repository's live set (the objects whose locks {@code RetentionKeeper}
 * extends). Thread-safe; passes of one repository must not overlap.
 */
public final class PointWriter {

    private static final Logger LOG = LoggerFactory.getLogger(PointWriter.class);

    private final LockedWriter writer;
    private final ObjectReader reader;
    private final Ledger ledger;
    private final BucketLayout layout;
    private final OffsiteIndex offsite;
    private final TamperLog tamper;
    private final RepoMetrics metrics;
    private final Clock clock;
    private final PointEncoder encoder;

    // 8 parameters: each is a different piece writePoint uses (write, read back, ledger, keys, cache, events, metrics,
    // time); grouping them would only bring back a record of collaborators
    public PointWriter(LockedWriter writer, ObjectReader reader, Ledger ledger, BucketLayout layout, OffsiteIndex offsite,
                       TamperLog tamper, RepoMetrics metrics, Clock clock) {
        this.writer = writer;
        this.reader = reader;
        this.ledger = ledger;
        this.layout = layout;
        this.offsite = offsite;
        this.tamper = tamper;
        this.metrics = metrics;
        this.clock = clock;
        this.encoder = new PointEncoder(reader, layout);
    }

    /** Whether the ledger already holds a restore point for transaction {@code t} of {@code repo}. */
    boolean written(String repo, long t) {
        return ledger.point(repo, t).isPresent();
    }

    /**
     * The point this agent recorded last before transaction {@code t} of {@code repo}, or the later one it put and did not
     * record (adopted here): the one a point for T names.
     */
    private RestorePoint.PreviousPoint previous(String repo, long t) {
        RestorePoint.PreviousPoint recorded = ledger.points(repo).stream().filter(p -> p.transaction() < t).findFirst()
                .map(p -> new RestorePoint.PreviousPoint(p.transaction(), p.sha256())).orElse(null);
        Ledger.PointIntent intent = ledger.pointIntent(repo).orElse(null);
        if (intent == null || intent.transaction() >= t || recorded != null && intent.transaction() <= recorded.transaction()) {
            return recorded;
        }
        // a pass of this agent put that point and was stopped before recording it (borg committed again since): when the
        // chain holds exactly the bytes it hashed before the put, it is recorded now and the next point follows it
        RestorePoint.PreviousPoint mine = new RestorePoint.PreviousPoint(intent.transaction(), intent.sha256());
        return encoder.chainPoint(repo, mine).map(ref -> {
            RestorePoint full = encoder.previousPoint(repo, mine).orElse(null);
            if (full == null) {
                return recorded;
            }
            StoredObject head = reader.head(ref.key(), ref.versionId());
            ledger.recordObject(new UploadedObject(repo, ref.key(), head.size(), ref.sha256(), ref.versionId(), head.retainUntil()));
            ledger.recordPoint(new PointRecord(repo, ref.transaction(), ref.key(), ref.sha256(), ref.versionId(), head.lastModified(),
                    full.segments().size(), full.totalBytes()));
            LOG.info("{}: adopting restore point {} written by an earlier, interrupted pass", repo, ref.key());
            return mine;
        }).orElse(recorded);
    }

    /** The segment entries of the point a point for {@code t} will name as previous ({@link PriorSegments}). */
    PriorSegments priorSegments(String repo, long t) {
        return new PriorSegments(encoder.previousSegments(repo, previous(repo, t)));
    }

    void writePoint(Batch batch, String repoId, Snapshot snap, List<RestorePoint.SegmentEntry> segs,
                            List<RestorePoint.ControlEntry> ctls, boolean indexOmitted) {
        String repo = batch.repo;
        long t = snap.transaction();
        RestorePoint.PreviousPoint previous = previous(repo, t);
        RestorePoint point = new RestorePoint(ManifestCodec.FORMAT_VERSION, repo, repoId, t, clock.instant(),
                snap.config().segmentsPerDir(), previous, segs, ctls, indexOmitted);
        PointEncoder.Encoded encoded = encoder.encode(point, snap.scratch());
        List<PointEncoder.Encoded> forms = new ArrayList<>(List.of(encoded));
        try {
            if (encoded.foreignHead() != null) {
                // the head may be this agent's own, unrecorded delta
                encoder.deltaOnPrevious(point, snap.scratch()).ifPresent(forms::add);
            }
            write(batch, repoId, snap, point, forms, segs, ctls);
        } finally {
            forms.forEach(f -> f.body().close());
        }
    }

    // 7 parameters: the pieces of one point on their way from writePoint (split only to keep the spool files' cleanup in
    // one place)
    private void write(Batch batch, String repoId, Snapshot snap, RestorePoint point, List<PointEncoder.Encoded> forms,
                       List<RestorePoint.SegmentEntry> segs, List<RestorePoint.ControlEntry> ctls) {
        String repo = batch.repo;
        long t = snap.transaction();
        RestorePoint.PreviousPoint previous = point.previous();
        boolean indexOmitted = point.indexOmitted();
        PointEncoder.Encoded encoded = forms.get(0);
        Adopted adopted = existingPoint(repo, t, forms).orElse(null);
        StoredObject stored = null;
        String sha = null;
        if (adopted != null) {
            encoded = adopted.form();
            stored = adopted.object();
            sha = stored.sha256();
            point = new RestorePoint(point.formatVersion(), repo, repoId, t, stored.lastModified(), point.segmentsPerDir(),
                    previous, segs, ctls, indexOmitted);
        } else {
            reportForeignHead(repo, t, encoded);
            sha = encoded.body().sha256();
            ledger.recordPointIntent(repo, t, sha);
            stored = writer.put(layout.point(repo, t, sha), encoded.body().source(), sha);
        }
        String key = stored.key();
        encoder.written(encoded, key, sha);
        metrics.pointUploaded(repo);
        List<String> others = new ArrayList<>();
        ctls.forEach(c -> others.add(layout.repoPrefix(repo) + c.key()));
        others.add(key);
        others.addAll(encoded.dependsOn());
        others.add(ledger.alias(layout.repoJson(repo)).orElse(layout.repoJson(repo)));
        others.sort(null); // control files, points and repo.json sort before segments: the live set in key order
        Collection<String> live = liveKeys(layout.repoPrefix(repo), segs, others);
        UploadedObject object = new UploadedObject(repo, key, stored.size(), sha, stored.versionId(), stored.retainUntil());
        // one transaction, one flush: the point, its record and the live set (and the uploads recorded before them)
        ledger.recordPointWritten(object, new PointRecord(repo, t, key, sha, stored.versionId(), point.createdAt(), segs.size(),
                point.totalBytes()), live);
        offsite.remember(object);
        metrics.offsiteTransaction(repo, t);
        LOG.info("{}: restore point {} written ({} segments, {} objects uploaded, {} bytes)", repo, t, segs.size(),
                batch.uploaded.get(), batch.bytes.get());
    }

    /**
     * The live set: the {@code others}, then every segment's key (spelled one at a time while the ledger writes them: a
     * repository of 200,000 segments would otherwise hold 200,000 key strings at once).
     */
    private static Collection<String> liveKeys(String prefix, List<RestorePoint.SegmentEntry> segs, List<String> others) {
        return new AbstractCollection<>() {
            @Override
            public Iterator<String> iterator() {
                Iterator<RestorePoint.SegmentEntry> s = segs.iterator();
                Iterator<String> o = others.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return o.hasNext() || s.hasNext();
                    }

                    @Override
                    public String next() {
                        return o.hasNext() ? o.next() : prefix + s.next().key();
                    }
                };
            }

            @Override
            public int size() {
                return segs.size() + others.size();
            }
        };
    }

    /**
     * The bucket's consistent chain ends in a point this agent did not record (written by whoever holds its credential),
     * so the point about to be written cannot join the chain: without a witness, {@code latest} stays on that point.
     */
    private void reportForeignHead(String repo, long t, PointEncoder.Encoded encoded) {
        if (encoded.foreignHead() != null) {
            RestorePoint.PreviousPoint previous = encoded.full().previous();
            tamper.foreignObject(repo, t, encoded.foreignHead() + " is the head of the consistent chain, but this agent's "
                    + "previous point is " + previous.transaction() + " (SHA-256 " + previous.sha256() + "): a point it did not "
                    + "write took the chain; point " + t + " is written as a checkpoint outside the chain");
        }
    }

    /**
     * A point for the same transaction with exactly this content (previous link, identity, every entry) in one of the
     * {@code forms} this agent may have written it in, already in the bucket: this agent wrote it in a pass that stopped
     * before recording it. Adopting it keeps the chain linear. Any
     * other point under T is somebody else's: a tamper event (it loses to the chain rules or wins only if written first).
     */
    private Optional<Adopted> existingPoint(String repo, long t, List<PointEncoder.Encoded> forms) {
        String prefix = layout.pointsPrefix(repo) + BucketLayout.pad(t) + "-";
        for (ObjectVersion v : reader.listVersions(prefix)) {
            if (v.deleteMarker() || v.size() > 256L * 1024 * 1024) {
                continue;
            }
            try (InputStream in = reader.get(v.key(), v.versionId(), 0, -1)) {
                byte[] b = in.readAllBytes();
                StoredPoint other = ManifestCodec.decode(b, v.key(), repo, layout);
                String sha = ManifestCodec.sha256(b);
                Optional<PointEncoder.Encoded> mine = forms.stream().filter(f -> f.stored().delta() == other.delta()
                        && f.stored().removed().equals(other.removed()) && sameContent(f.stored().point(), other.point())).findFirst();
                if (v.key().equals(layout.point(repo, t, sha)) && mine.isPresent()) {
                    LOG.info("{}: adopting restore point {} written by an earlier, interrupted pass", repo, v.key());
                    StoredObject head = reader.head(v.key(), v.versionId());
                    return Optional.of(new Adopted(mine.get(), new StoredObject(head.key(), head.versionId(), head.size(), sha,
                            head.lockMode(), head.retainUntil(), head.lastModified())));
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("{}: {} is not a point of ours: {}", repo, v.key(), e.toString());
            }
            tamper.foreignObject(repo, t, v.key() + " version " + v.versionId()
                    + " is a restore point for transaction " + t + " that this agent did not write");
        }
        return Optional.empty();
    }

    /** A point an interrupted pass wrote, and the encoding it was written in. */
    private record Adopted(PointEncoder.Encoded form, StoredObject object) {
    }

    private static boolean sameContent(RestorePoint a, RestorePoint b) {
        return a.repoId().equals(b.repoId()) && a.transaction() == b.transaction() && java.util.Objects.equals(a.previous(),
                b.previous()) && a.segments().equals(b.segments()) && a.control().equals(b.control())
                && a.indexOmitted() == b.indexOmitted() && a.segmentsPerDir() == b.segmentsPerDir();
    }
}
