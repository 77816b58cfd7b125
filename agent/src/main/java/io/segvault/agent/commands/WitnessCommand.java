package io.segvault.agent.commands;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.ErrorHandler.UsageException;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.Logging;
import io.segvault.agent.daemon.WitnessDaemon;
import io.segvault.core.util.Threads;
import io.segvault.core.witness.WitnessConfig;
import io.segvault.core.witness.WitnessConfigLoader;
import io.segvault.core.witness.WitnessKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code segvault witness}: the independent host that attests restore points (docs/witness.md). */
@Command(name = "witness", description = "On a host that is neither the backup server nor the prune host: check every new "
        + "restore point of the configured repositories (chain, write times, objects, locks, checksums, drills) and write "
        + "signed, locked attestations under <prefix>_witness/; serve /metrics. SIGTERM stops it after the current pass.")
public final class WitnessCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Witness config file (YAML).")
    Path config;

    @Option(names = "--once", description = "One pass over every repository, then exit: 0 when every point was attested or none "
            + "was new, 3 when a point was refused, 1 when a pass failed.")
    boolean once;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WitnessConfig cfg = WitnessConfigLoader.load(config);
        KeyPair key = keyPair(cfg);
        Logging.configure("text", debug.debug);
        try (WitnessDaemon daemon = new WitnessDaemon(cfg, key, Clock.systemUTC())) {
            if (once) {
                WitnessDaemon.Round r = daemon.round();
                r.passes().forEach(p -> spec.commandLine().getOut().println(p.repo() + ": " + p.verdicts().size() + " verdict(s), "
                        + p.verdicts().stream().filter(v -> v.attested()).count() + " attested" + (p.waiting() == null ? ""
                        : "; waiting: " + p.waiting()) + (p.foreign() > 0 ? "; " + p.foreign() + " foreign object(s)" : "")));
                r.failures().forEach(f -> spec.commandLine().getErr().println("segvault witness: error: " + f));
                spec.commandLine().getOut().flush();
                return !r.failures().isEmpty() ? ExitCodes.FAILURE : r.refused() > 0 ? ExitCodes.PROBLEMS : ExitCodes.OK;
            }
            int port = daemon.serve();
            if (port > 0) {
                org.slf4j.LoggerFactory.getLogger(WitnessCommand.class).info("witness key {}: /metrics on port {}",
                        WitnessKey.id(key.getPublic()), port);
            }
            Runnable stop = () -> Threads.foreground("segvault-stop", () -> daemon.stop(Duration.ofMinutes(1))).start();
            Signal.handle(new Signal("TERM"), s -> stop.run());
            Signal.handle(new Signal("INT"), s -> stop.run());
            daemon.runUntilStopped();
            return ExitCodes.OK;
        }
    }

    /** Both key files, checked to be one pair (a mismatch would write verdicts nobody can verify). */
    static KeyPair keyPair(WitnessConfig cfg) throws Exception {
        PrivateKey priv = WitnessKey.readPrivate(cfg.privateKey());
        PublicKey pub = WitnessKey.readPublic(cfg.publicKey());
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(priv);
        s.update(new byte[] {1});
        byte[] sig = s.sign();
        s.initVerify(pub);
        s.update(new byte[] {1});
        if (!s.verify(sig)) {
            throw new UsageException("'key' " + cfg.privateKey() + " and 'publicKey' " + cfg.publicKey() + " are not one key pair");
        }
        return new KeyPair(pub, priv);
    }
}
