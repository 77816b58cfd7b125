package io.segvault.agent.commands;

import io.segvault.agent.wiring.Wiring;
import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.StoreOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code segvault prove-lock}: does the server really refuse to undo a COMPLIANCE lock? */
@Command(name = "prove-lock", description = "Write one tiny COMPLIANCE-locked canary under the prefix's .canary/ and try "
        + "to delete it, shorten its lock, switch it to GOVERNANCE, delete it bypassing governance, overwrite it and remove "
        + "the bucket's Object Lock. Exit 0 when the server refused every attempt, 3 naming what it allowed or what IAM "
        + "refused first (then the credential proves nothing). See docs/providers.md.")
public final class ProveLockCommand implements Callable<Integer> {

    @Option(names = "--retain", paramLabel = "DURATION", defaultValue = "1d",
            description = "How long the canary stays locked (5m to 365d, default ${DEFAULT-VALUE}); it cannot be removed "
                    + "before then.")
    String retain;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Mixin
    StoreOptions store;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Duration d = LockCanary.retain("--retain", retain);
        try (Wiring w = Wiring.forStore(store, Clock.systemUTC())) {
            return LockCanary.run(w, d, json, spec.commandLine().getOut(), spec.commandLine().getErr(), "prove-lock");
        }
    }
}
