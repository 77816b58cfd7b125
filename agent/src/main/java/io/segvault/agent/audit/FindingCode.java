package io.segvault.agent.audit;

/**
 * Every rule of the fence audit, with the severity its findings carry. The names are the {@link Finding#code()} values
 * and are part of the JSON output; docs/ssh-fences.md says what each means and how to fix it.
 */
public enum FindingCode {
    /** A line sshd cannot read as a key (binary data, truncated or corrupt key, unknown key type). */
    LINE_UNPARSEABLE(Severity.WARNING),
    /** The options field is one sshd refuses (unknown option, missing quote, two command= options): the line is ignored. */
    OPTIONS_INVALID(Severity.WARNING),
    /** No command= option: the key gets a shell and can delete every repository. */
    NO_FORCED_COMMAND(Severity.CRITICAL),
    /** The forced command is not a plain {@code borg serve}. */
    NOT_BORG_SERVE(Severity.CRITICAL),
    /** A client key's {@code borg serve} lacks {@code --append-only}. */
    NO_APPEND_ONLY(Severity.CRITICAL),
    /** {@code borg serve} without {@code --restrict-to-repository} or {@code --restrict-to-path}. */
    NO_REPOSITORY_RESTRICTION(Severity.CRITICAL),
    /** {@code --restrict-to-path} names a directory holding repositories: the key reaches them all and can create new ones. */
    RESTRICT_TO_SHARED_PATH(Severity.CRITICAL),
    /** The forced command sets a variable that loads code into borg serve ({@code LD_PRELOAD=}, {@code PYTHONPATH=}, ...). */
    COMMAND_ENVIRONMENT(Severity.CRITICAL),
    /** An {@code environment=} option: honoured when sshd has {@code PermitUserEnvironment yes}. */
    ENVIRONMENT_OPTION(Severity.CRITICAL),
    /** A restriction names a path that is not a repository under the audited repository directory. */
    UNKNOWN_REPOSITORY(Severity.WARNING),
    /** Neither {@code restrict} nor all of its no-* equivalents: forwarding, pty or user-rc stay open. */
    NOT_RESTRICTED(Severity.CRITICAL),
    /** {@code restrict} is set but later options re-enable something (e.g. {@code restrict,pty}). */
    RESTRICTION_UNDONE(Severity.WARNING),
    /** A client key without from=: it works from any address. */
    NO_FROM(Severity.INFO),
    /** The prune-host key without from=: the one key that can erase history works from any address. */
    PRUNE_KEY_NO_FROM(Severity.WARNING),
    /** The prune-host key runs {@code borg serve --append-only}: prune and compact through it free nothing. */
    PRUNE_KEY_APPEND_ONLY(Severity.INFO),
    /** A --prune-key fingerprint matches no key in the audited files. */
    PRUNE_KEY_NOT_FOUND(Severity.WARNING),
    /** A line with the certificate-authority option: certificates carry their own command and are not audited. */
    CERT_AUTHORITY(Severity.WARNING),
    /** A --prune-key fingerprint appears on more than one line: the prune key doubles as a client key. */
    PRUNE_KEY_DUPLICATE(Severity.CRITICAL),
    /** The same key appears on more than one line; sshd uses the first line whose options accept the connection. */
    DUPLICATE_KEY(Severity.WARNING),
    /** A repository whose config lacks {@code append_only = 1}. */
    REPO_NOT_APPEND_ONLY(Severity.WARNING),
    /** A repository config that cannot be read. */
    REPO_CONFIG_UNREADABLE(Severity.WARNING);

    private final Severity severity;

    FindingCode(Severity severity) {
        this.severity = severity;
    }

    public Severity severity() {
        return severity;
    }

    /** A finding of this code about one key (fingerprint and comment may be null). */
    Finding about(String source, String fingerprint, String comment, String message) {
        return new Finding(severity, source, fingerprint, comment, name(), message);
    }

    /** A finding of this code that is not about a key. */
    Finding at(String source, String message) {
        return about(source, null, null, message);
    }
}
