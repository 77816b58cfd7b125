package io.segvault.core.replicate;

/**
 * Replication of one repository failed. {@link #fatal()} failures (access denied, misconfigured bucket,
 * a repository name claimed by another Borg repository, a forked transaction history) need an operator;
 * the others are retried on the next pass.
 */
public class ReplicationException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final String repo;
    private final boolean fatal;

    public ReplicationException(String repo, String message, boolean fatal, Throwable cause) {
        super("repository " + repo + ": " + message, cause);
        this.repo = repo;
        this.fatal = fatal;
    }

    public String repo() {
        return repo;
    }

    public boolean fatal() {
        return fatal;
    }
}
