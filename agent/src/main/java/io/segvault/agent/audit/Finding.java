package io.segvault.agent.audit;

import java.util.Objects;

/**
 * One problem the fence audit found.
 *
 * @param severity    how bad it is
 * @param source      where: {@code file:line} for an authorized_keys line, the directory for a repository
 * @param fingerprint the key's {@code SHA256:...} fingerprint, or null when the finding is not about one key
 * @param comment     the key's comment, or null
 * @param code        stable identifier of the rule ({@link FindingCode} name); docs/ssh-fences.md explains each
 * @param message     one line for a human: what is wrong and what to change
 */
public record Finding(Severity severity, String source, String fingerprint, String comment, String code, String message) {

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
