package io.segvault.core.witness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.segvault.core.store.ObjectReader;
import io.segvault.core.store.ObjectVersion;

/**
 * Reads the verdicts a witness wrote about a repository and keeps those its key signed. Which object a verdict sits in
 * does not matter (a key name is a claim); what matters is the signature, and that the verdict names this repository.
 * Anything else under the witness prefix is counted as {@link Loaded#unverifiable()} and otherwise ignored.
 */
public final class Attestations {

    private final ObjectReader store;
    private final WitnessLayout layout;
    private final PublicKey key;

    public Attestations(ObjectReader store, WitnessLayout layout, PublicKey key) {
        this.store = store;
        this.layout = layout;
        this.key = key;
    }

    public String keyId() {
        return WitnessKey.id(key);
    }

    /** A point version, as verdicts name it. */
    public record PointId(String key, String versionId) {
    }

    /**
     * @param verdicts     per point version, the verdict signed by the trusted key (attested wins over refused)
     * @param unverifiable objects under the witness prefix that are not verdicts signed by the key for this repository
     */
    public record Loaded(Map<PointId, Verdict> verdicts, List<String> unverifiable) {

        public Verdict of(String pointKey, String versionId) {
            return verdicts.get(new PointId(pointKey, versionId));
        }
    }

    public Loaded load(String repo) {
        Map<PointId, Verdict> out = new HashMap<>();
        List<String> bad = new ArrayList<>();
        for (ObjectVersion v : store.listVersions(layout.repoPrefix(repo))) {
            if (v.deleteMarker()) {
                continue;
            }
            String source = v.key() + " version " + v.versionId();
            if (v.size() > VerdictCodec.MAX_BYTES) {
                bad.add(source + ": " + v.size() + " bytes, too large for a verdict");
                continue;
            }
            try {
                Verdict verdict = VerdictCodec.open(read(v), key, source);
                if (!verdict.repo().equals(repo)) {
                    bad.add(source + ": signed for repository '" + verdict.repo() + "', not '" + repo + "'");
                    continue;
                }
                out.merge(new PointId(verdict.pointKey(), verdict.pointVersionId()), verdict,
                        (a, b) -> a.attested() ? a : b);
            } catch (WitnessException e) {
                bad.add(e.getMessage());
            }
        }
        return new Loaded(out, bad);
    }

    private byte[] read(ObjectVersion v) {
        try (InputStream in = store.get(v.key(), v.versionId(), 0, -1)) {
            return in.readNBytes(VerdictCodec.MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + v.key() + " version " + v.versionId(), e);
        }
    }
}
