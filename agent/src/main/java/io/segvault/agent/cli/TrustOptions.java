package io.segvault.agent.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** The witness's public key, the trust anchor of the read-side commands (docs/witness.md). */
public final class TrustOptions {

    @Option(names = "--trust", paramLabel = "FILE", description = "The witness's public key (PEM): only points it attested count "
            + "(default: the config's 'trust' key; without either, points are chosen by the consistent chain alone).")
    public Path trust;

    @Option(names = "--unattested", description = "Accept a point the witness did not attest (with --point T), or choose by the "
            + "consistent chain alone.")
    public boolean unattested;
}
