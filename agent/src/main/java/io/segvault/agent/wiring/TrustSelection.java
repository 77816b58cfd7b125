package io.segvault.agent.wiring;

import io.segvault.agent.cli.TrustOptions;
import io.segvault.core.witness.Attestations;
import io.segvault.core.witness.TrustedPoints;
import io.segvault.core.witness.WitnessKey;
import io.segvault.core.witness.WitnessLayout;
import java.nio.file.Path;

/** Chooses the points a read-side command trusts, from {@code --trust} or the config's {@code trust}. */
public final class TrustSelection {

    private TrustSelection() {
    }

    /**
     * Which points to trust: the witness key of {@code --trust} (or the config's {@code trust}) makes only attested points
     * count; without one the consistent chain decides.
     */
    public static TrustedPoints of(Wiring w, TrustOptions o) {
        Path key = o.trust != null ? o.trust : w.configOrNull() == null ? null
                : w.configOrNull().trust();
        if (key == null) {
            return TrustedPoints.chainOnly(w.catalog());
        }
        return TrustedPoints.witnessed(w.catalog(),
                new Attestations(w.reader(), new WitnessLayout(w.layout()), WitnessKey.readPublic(key)));
    }
}
