package io.segvault.agent.audit;

import java.util.List;

/**
 * The fences of one authorized_keys key, as found.
 *
 * @param source                   {@code file:line}
 * @param keyType                  e.g. {@code ssh-ed25519}
 * @param fingerprint              {@code SHA256:...}
 * @param comment                  the key's comment, or null
 * @param pruneKey                 its fingerprint was given with {@code --prune-key}
 * @param forcedCommand            the {@code command=} value, or null
 * @param borgServe                the forced command runs nothing but {@code borg serve}
 * @param appendOnly               that {@code borg serve} has {@code --append-only}
 * @param restrictedTo             its {@code --restrict-to-repository} and {@code --restrict-to-path} values
 * @param restrictedToRepositories at least one restriction, and each names an existing repository under the audited directory
 * @param restricted               {@code restrict} (or all of its no-* equivalents) is set and no later option undoes it
 * @param openCapabilities         what stays enabled: port-forwarding, agent-forwarding, X11-forwarding, pty, user-rc
 * @param from                     the {@code from=} pattern list, or null when the key works from anywhere
 */
public record KeyReport(String source, String keyType, String fingerprint, String comment, boolean pruneKey,
                        String forcedCommand, boolean borgServe, boolean appendOnly, List<String> restrictedTo,
                        boolean restrictedToRepositories, boolean restricted, List<String> openCapabilities, String from) {

    public KeyReport {
        restrictedTo = List.copyOf(restrictedTo);
        openCapabilities = List.copyOf(openCapabilities);
    }
}
