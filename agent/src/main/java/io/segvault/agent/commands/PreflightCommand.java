package io.segvault.agent.commands;

import io.segvault.agent.wiring.Wiring;
import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.StoreOptions;
import io.segvault.core.store.BucketStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code segvault preflight}: is the bucket fit to receive locked copies? */
@Command(name = "preflight", description = "Check that the bucket has versioning and Object Lock enabled and report its "
        + "default retention. Exit 0 when segvault can write there, 1 with what is missing otherwise. With --prove-lock it "
        + "then runs prove-lock's canary checks and exits 3 when the server did not refuse them all.")
public final class PreflightCommand implements Callable<Integer> {

    @Option(names = "--prove-lock", description = "After the settings check, prove the server refuses to undo a "
            + "COMPLIANCE lock (as segvault prove-lock; leaves one locked canary).")
    boolean proveLock;

    @Option(names = "--retain", paramLabel = "DURATION", defaultValue = "1d",
            description = "With --prove-lock: how long the canary stays locked (5m to 365d, default ${DEFAULT-VALUE}).")
    String retain;

    @Mixin
    StoreOptions store;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Duration canaryRetain = proveLock ? LockCanary.retain("--retain", retain) : null;
        try (Wiring w = Wiring.forStore(store, Clock.systemUTC())) {
            BucketStatus status = w.inspector().preflight();
            spec.commandLine().getOut().println(status.describe());
            if (!status.problems().isEmpty()) {
                status.problems().forEach(p -> spec.commandLine().getErr().println("segvault preflight: error: " + p));
                return ExitCodes.FAILURE;
            }
            spec.commandLine().getOut().println("ok: segvault can write locked objects to bucket " + status.bucket());
            if (proveLock) {
                return LockCanary.run(w, canaryRetain, false, spec.commandLine().getOut(), spec.commandLine().getErr(),
                        "preflight");
            }
            return ExitCodes.OK;
        }
    }
}
