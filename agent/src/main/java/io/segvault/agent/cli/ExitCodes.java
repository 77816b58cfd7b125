package io.segvault.agent.cli;

/** Exit codes of every segvault command. */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** The work failed (storage, restore, replication error). */
    public static final int FAILURE = 1;
    /** Bad usage or bad configuration: nothing was done. */
    public static final int USAGE = 2;
    /** The command ran and found problems (verify, audit). */
    public static final int PROBLEMS = 3;

    private ExitCodes() {
    }
}
