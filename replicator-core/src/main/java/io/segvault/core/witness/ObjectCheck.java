package io.segvault.core.witness;

import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.restore.PointRef;
import io.segvault.core.store.ObjectNotFoundException;
import io.segvault.core.store.ObjectReader;
import io.segvault.core.store.Retention;
import io.segvault.core.store.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The witness's object checks of one point: every object it names exists at that version with the size it claims, is
 * COMPLIANCE-locked at least to the horizon, and hashes to the SHA-256 it claims (read back within the byte budget,
 * unless an earlier pass already hashed it). One instance per point; it counts what it checked.
 */
final class ObjectCheck {

    private record Obj(String key, String versionId, long size, String sha256) {
    }

    private final ObjectReader store;
    private final WitnessState state;
    private final ReadBudget budget;
    private final WitnessMetrics metrics;
    private final PointWitness.Settings settings;
    private final String repo;
    int count;
    long bytes;
    long readBack;
    Instant horizon;

    ObjectCheck(ObjectReader store, WitnessState state, ReadBudget budget, WitnessMetrics metrics, PointWitness.Settings settings,
                String repo) {
        this.store = store;
        this.state = state;
        this.budget = budget;
        this.metrics = metrics;
        this.settings = settings;
        this.repo = repo;
    }

    /**
     * Null when every object passed; else {reason, detail}, or {"wait", why} when the budget ran out.
     *
     * @param base the repository's prefix in the bucket, which the point's keys are relative to
     * @param now  the witness's time: objects must stay locked {@link PointWitness.Settings#horizon()} from it
     */
    String[] run(PointRef ref, RestorePoint point, String base, Instant now) {
        Instant minLock = now.plus(settings.horizon());
        var head = store.head(ref.key(), ref.versionId());
        if (!head.lockedAsAsked(Retention.compliance(minLock))) {
            return new String[] {"lock", ref.key() + " version " + ref.versionId() + " is locked " + head.lockMode() + " until "
                    + head.retainUntil() + "; the witness requires COMPLIANCE until at least " + minLock};
        }
        horizon = head.retainUntil();
        List<Obj> objs = new ArrayList<>();
        point.segments().forEach(s -> objs.add(new Obj(base + s.key(), s.versionId(), s.size(), s.sha256())));
        point.control().forEach(c -> objs.add(new Obj(base + c.key(), c.versionId(), c.size(), c.sha256())));
        for (Obj o : objs) {
            String[] p = check(o, minLock);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private String[] check(Obj o, Instant minLock) {
        count++;
        bytes += o.size();
        WitnessState.Checked c = state.checked(o.key(), o.versionId());
        boolean hashed = c != null && c.sha256().equals(o.sha256()) && c.size() == o.size();
        if (hashed && !c.retainUntil().isBefore(minLock)) {
            horizon = min(horizon, c.retainUntil());
            return null;
        }
        String what = o.key() + " version " + o.versionId();
        StoredObject head;
        try {
            head = store.head(o.key(), o.versionId());
        } catch (ObjectNotFoundException e) {
            return new String[] {"object", what + " does not exist"};
        }
        if (head.size() != o.size()) {
            return new String[] {"object", what + " is " + head.size() + " bytes; the point says " + o.size()};
        }
        if (!head.lockedAsAsked(Retention.compliance(minLock))) {
            return new String[] {"lock", what + " is locked " + head.lockMode() + " until " + head.retainUntil()
                    + "; the witness requires COMPLIANCE until at least " + minLock};
        }
        String sha = hashed ? c.sha256() : null;
        if (sha == null) {
            if (!budget.take(o.size())) {
                return new String[] {"wait", "read-back budget of " + settings.readBackPerHour() + " bytes/hour used up at " + what};
            }
            sha = hash(o);
            readBack += o.size();
            metrics.readBack(repo, o.size());
        }
        state.checked(o.key(), o.versionId(), new WitnessState.Checked(sha, o.size(), head.retainUntil()));
        if (!sha.equals(o.sha256())) {
            return new String[] {"checksum", what + " hashes to " + sha + "; the point says " + o.sha256()};
        }
        horizon = min(horizon, head.retainUntil());
        return null;
    }

    private String hash(Obj o) {
        try (InputStream in = store.get(o.key(), o.versionId(), 0, -1)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read back " + o.key() + " version " + o.versionId(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
