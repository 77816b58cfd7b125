package io.segvault.agent.audit;

/** How bad a {@link Finding} is, in ascending order: only {@link #INFO} leaves {@code segvault audit} at exit code 0. */
public enum Severity {
    /** Worth knowing; not a hole. */
    INFO,
    /** A fence is weaker than it should be, or the audit could not check something. */
    WARNING,
    /** A fence is missing: a key on its own can erase or escape the repository it backs up to. */
    CRITICAL
}
