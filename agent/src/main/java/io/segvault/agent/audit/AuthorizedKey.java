package io.segvault.agent.audit;

import java.security.PublicKey;

/**
 * One key line of an authorized_keys file that sshd would accept.
 *
 * @param source      {@code file:line}
 * @param keyType     the key type as written, e.g. {@code ssh-ed25519}
 * @param publicKey   the decoded key
 * @param fingerprint {@code SHA256:...} as {@code ssh-keygen -l} prints it
 * @param comment     the text after the key, or null
 * @param options     the options before the key
 */
record AuthorizedKey(String source, String keyType, PublicKey publicKey, String fingerprint, String comment,
                     LoginOptions options) implements AuthorizedKeysParser.ParsedLine {
}
