package io.segvault.agent.commands;

import io.segvault.agent.Wiring;
import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.StoreOptions;
import io.segvault.core.store.BucketStatus;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code segvault preflight}: is the bucket fit to receive locked copies? */
@Command(name = "preflight", description = "Check that the bucket has versioning and Object Lock enabled and report its "
        + "default retention. Exit 0 when segvault can write there, 1 with what is missing otherwise.")
public final class PreflightCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Wiring w = Wiring.forStore(store, Clock.systemUTC())) {
            BucketStatus status = w.store().preflight();
            spec.commandLine().getOut().println(status.describe());
            if (!status.problems().isEmpty()) {
                status.problems().forEach(p -> spec.commandLine().getErr().println("segvault preflight: error: " + p));
                return ExitCodes.FAILURE;
            }
            spec.commandLine().getOut().println("ok: segvault can write locked objects to bucket " + status.bucket());
            return ExitCodes.OK;
        }
    }
}
