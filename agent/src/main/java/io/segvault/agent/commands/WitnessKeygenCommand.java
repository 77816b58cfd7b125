package io.segvault.agent.commands;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;

import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.core.witness.WitnessKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segvault witness-keygen}: the witness's Ed25519 key pair. */
@Command(name = "witness-keygen", description = "Make the witness's Ed25519 key pair: the private key stays on the witness host "
        + "(mode 0600), the public key goes to every host that restores or runs gc (--trust). Never overwrites a file.")
public final class WitnessKeygenCommand implements Callable<Integer> {

    @Option(names = "--private", required = true, paramLabel = "FILE", description = "Where to write the private key (PEM).")
    Path privateKey;

    @Option(names = "--public", required = true, paramLabel = "FILE", description = "Where to write the public key (PEM).")
    Path publicKey;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        KeyPair pair = WitnessKey.generate();
        WitnessKey.write(pair, privateKey, publicKey);
        spec.commandLine().getOut().println("witness key " + WitnessKey.id(pair.getPublic()) + ": private " + privateKey + ", public "
                + publicKey);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
