package io.segvault.core.witness;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.PointRef;
import io.segvault.core.restore.RestoreException;

/**
 * Which restore points to trust: with a witness key, the points it attested (a verdict signed by that key whose SHA-256 is
 * the SHA-256 of the point bytes just read); without one, the repository's consistent chain, as before. Used by restore,
 * drill, points, verify and gc.
 */
public final class TrustedPoints {

    private final PointCatalog catalog;
    private final Attestations attestations;

    private TrustedPoints(PointCatalog catalog, Attestations attestations) {
        this.catalog = catalog;
        this.attestations = attestations;
    }

    /** No witness configured: the consistent chain decides. */
    public static TrustedPoints chainOnly(PointCatalog catalog) {
        return new TrustedPoints(catalog, null);
    }

    /** Points count only when the witness holding {@code attestations}'s key attested them. */
    public static TrustedPoints witnessed(PointCatalog catalog, Attestations attestations) {
        return new TrustedPoints(catalog, attestations);
    }

    public boolean witnessConfigured() {
        return attestations != null;
    }

    /** One sentence for the operator: which trust decides. */
    public String describe() {
        return attestations == null
                ? "no witness configured (--trust): points are chosen by the consistent chain alone, which whoever holds the agent's "
                + "credential can extend"
                : "trusting witness key " + attestations.keyId();
    }

    public PointCatalog catalog() {
        return catalog;
    }

    /** A point with the verdict the trusted witness signed about it (null: none, or no witness). */
    public record Judged(PointRef ref, Verdict verdict) {

        /** True when a trusted verdict attests exactly these bytes at this version. */
        public boolean attested() {
            return verdict != null && verdict.attested() && verdict.pointSha256() != null
                    && verdict.pointSha256().equals(ref.sha256());
        }

        /** attested / refused (reason) / not attested, for listings. */
        public String status() {
            if (attested()) {
                return "attested " + verdict.at();
            }
            if (verdict == null) {
                return "not attested";
            }
            if (verdict.attested()) {
                return "not attested (the witness attested other bytes: " + verdict.pointSha256() + ")";
            }
            return "refused (" + verdict.reason() + "): " + verdict.detail();
        }
    }

    /** Every point version of {@code repo}, highest transaction first, with the witness's verdicts. */
    public List<Judged> list(String repo) {
        List<PointRef> refs = catalog.list(repo);
        Attestations.Loaded loaded = attestations == null ? null : attestations.load(repo);
        List<Judged> out = new ArrayList<>(refs.size());
        for (PointRef r : refs) {
            out.add(new Judged(r, loaded == null ? null : loaded.of(r.key(), r.versionId())));
        }
        return out;
    }

    /** The newest attested point of {@code repo}, if any (always empty without a witness). */
    public Optional<Judged> newestAttested(String repo) {
        return list(repo).stream().filter(Judged::attested).findFirst();
    }

    /**
     * Picks a point as {@link PointCatalog#select} does, but with a witness: {@code latest} is the newest attested point,
     * {@code before} the newest attested point the server wrote before that time, and a transaction number must name an
     * attested point unless {@code unattested}.
     */
    public PointRef select(String repo, String point, Instant before, Instant now, boolean unattested) {
        if (attestations == null || unattested && (point == null || point.equals("latest")) && before == null) {
            return catalog.select(repo, point, before, now);
        }
        List<Judged> all = list(repo);
        if (all.isEmpty() || unattested) {
            return catalog.select(repo, point, before, now);
        }
        List<Judged> attested = all.stream().filter(Judged::attested)
                .sorted(Comparator.comparingLong((Judged j) -> j.ref().transaction()).reversed()).toList();
        String key = attestations.keyId();
        if (point != null && !point.equals("latest")) {
            PointRef wanted = catalog.select(repo, point, null, now);
            return attested.stream().filter(j -> j.ref().transaction() == wanted.transaction()).map(Judged::ref).findFirst()
                    .orElseThrow(() -> new RestoreException("restore point " + wanted.transaction() + " of '" + repo + "' is not "
                            + "attested by witness " + key + ": " + status(all, wanted) + "; give --unattested to restore it anyway",
                            null));
        }
        if (attested.isEmpty()) {
            throw new RestoreException("no restore point of '" + repo + "' is attested by witness " + key + " (" + all.size()
                    + " point(s); newest " + all.get(0).ref().transaction() + ": " + all.get(0).status() + "); see `segvault "
                    + "points`, or give --unattested to choose by the chain alone", null);
        }
        if (before != null) {
            return attested.stream().filter(j -> j.ref().written().isBefore(before)).map(Judged::ref).findFirst()
                    .orElseThrow(() -> new RestoreException("no attested restore point of '" + repo + "' was written before " + before
                            + "; the oldest attested is transaction " + attested.get(attested.size() - 1).ref().transaction()
                            + " written " + attested.get(attested.size() - 1).ref().written(), null));
        }
        return attested.get(0).ref();
    }

    private static String status(List<Judged> all, PointRef ref) {
        return all.stream().filter(j -> j.ref().equals(ref)).map(Judged::status).findFirst().orElse("not attested");
    }
}
