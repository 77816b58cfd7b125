package io.segvault.core.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the agent reaches {@code sftp://} repositories.
 *
 * @param keyFile        the agent's private key (OpenSSH format)
 * @param passphraseFile file whose first line is the key's passphrase; null for an unencrypted key
 * @param knownHosts     OpenSSH {@code known_hosts} file; a host whose key is not in it, or is there with another
 *                       key, is refused (never added)
 * @param connectTimeout limit for connecting and for authenticating
 */
public record SshSettings(Path keyFile, Path passphraseFile, Path knownHosts, Duration connectTimeout) {

    public SshSettings {
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
    }
}
