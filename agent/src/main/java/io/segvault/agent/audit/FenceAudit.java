package io.segvault.agent.audit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SSH fence audit of a Borg backup server (docs/ssh-fences.md): every key in the given authorized_keys files must be
 * pinned to {@code borg serve --append-only --restrict-to-repository <an existing repository>} with {@code restrict};
 * keys named as prune keys may omit {@code --append-only} but should carry {@code from=}; every repository under the
 * repository directory must have {@code append_only = 1} in its config.
 *
 * <p>The audit only reads. A line it cannot parse is a finding ({@link FindingCode#LINE_UNPARSEABLE}), never an
 * exception; only an input that cannot be read at all throws {@link AuditInputException}.
 */
public final class FenceAudit {

    private static final Pattern SHA256_FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");

    private final Set<String> pruneKeys;

    /**
     * @param pruneKeyFingerprints {@code SHA256:...} fingerprints of prune-host keys (trailing {@code =} allowed)
     * @throws IllegalArgumentException when one is not a SHA256 fingerprint; the message names it
     */
    public FenceAudit(List<String> pruneKeyFingerprints) {
        Set<String> keys = new LinkedHashSet<>();
        for (String f : pruneKeyFingerprints) {
            keys.add(normalizeFingerprint(f));
        }
        this.pruneKeys = keys;
    }

    /**
     * The fingerprint as {@code ssh-keygen -l} prints it ({@code SHA256:} and 43 base64 characters, no padding).
     *
     * @throws IllegalArgumentException when {@code fingerprint} is not of that form
     */
    public static String normalizeFingerprint(String fingerprint) {
        String f = fingerprint.strip().replaceAll("=+$", "");
        if (!SHA256_FINGERPRINT.matcher(f).matches()) {
            throw new IllegalArgumentException("'" + fingerprint + "' is not a SHA256 key fingerprint"
                    + " (expected SHA256: and 43 base64 characters, as printed by ssh-keygen -l -f KEY)");
        }
        return f;
    }

    /**
     * Audits the given authorized_keys files (in order) and the repositories under {@code reposDir}.
     *
     * @throws AuditInputException when a file or the directory cannot be read at all
     */
    public AuditReport audit(List<Path> authorizedKeysFiles, Path reposDir) throws AuditInputException {
        RepositoryScanner.Scan scan = RepositoryScanner.scan(reposDir);
        KeyRules rules = new KeyRules(pruneKeys, reposDir, KeyRules.realPaths(scan.repositories()));
        List<AuthorizedKeysParser.ParsedFile> files = new ArrayList<>();
        for (Path file : authorizedKeysFiles) {
            files.add(AuthorizedKeysParser.parse(file));
        }
        List<Finding> findings = new ArrayList<>();
        List<KeyReport> keys = new ArrayList<>();
        Map<String, String> firstSeen = new HashMap<>();
        for (AuthorizedKeysParser.ParsedFile file : files) {
            for (AuthorizedKeysParser.ParsedLine line : file.lines()) {
                if (line instanceof AuthorizedKeysParser.BadLine bad) {
                    findings.add(badLine(bad));
                } else if (line instanceof AuthorizedKey key) {
                    String first = firstSeen.putIfAbsent(key.fingerprint(), key.source());
                    if (first != null && pruneKeys.contains(key.fingerprint())) {
                        findings.add(FindingCode.PRUNE_KEY_DUPLICATE.about(key.source(), key.fingerprint(), key.comment(),
                                "the prune-host key is also at " + first + ": whoever holds it as a client key can also"
                                        + " erase history (sshd uses the first line whose options accept the connection);"
                                        + " give the prune host a key of its own"));
                    } else if (first != null) {
                        findings.add(FindingCode.DUPLICATE_KEY.about(key.source(), key.fingerprint(), key.comment(),
                                "the same key is also at " + first + "; sshd uses the first line whose options accept"
                                        + " the connection"));
                    }
                    keys.add(rules.evaluate(key, findings));
                }
            }
        }
        for (String prune : pruneKeys) {
            if (!firstSeen.containsKey(prune)) {
                findings.add(FindingCode.PRUNE_KEY_NOT_FOUND.about("--prune-key", prune, null,
                        "no key with this fingerprint is in the audited authorized_keys files"));
            }
        }
        findings.addAll(scan.findings());
        for (RepositoryReport repo : scan.repositories()) {
            if (!repo.appendOnly()) {
                findings.add(FindingCode.REPO_NOT_APPEND_ONLY.at(repo.path(), repo.appendOnlySetting() == null
                        ? "config has no append_only setting (borg reads that as 0): set append_only = 1"
                        : "config has append_only = " + repo.appendOnlySetting() + ": set append_only = 1"));
            }
        }
        return new AuditReport(keys, scan.repositories(), findings);
    }

    private static Finding badLine(AuthorizedKeysParser.BadLine bad) {
        return bad.invalidOptions()
                ? FindingCode.OPTIONS_INVALID.about(bad.source(), bad.fingerprint(), bad.comment(),
                        bad.problem())
                : FindingCode.LINE_UNPARSEABLE.at(bad.source(), bad.problem());
    }
}
