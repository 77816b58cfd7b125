package io.segvault.agent.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The fence rules for one key: forced borg serve, append-only, repository restriction, restrict, from=. */
final class KeyRules {

    /** Variables that make the dynamic loader or Python load other code into borg serve. */
    private static final java.util.regex.Pattern LOADS_CODE = java.util.regex.Pattern.compile(
            "LD_[A-Z_]+|PYTHON[A-Z_]*|PERL5?LIB|PERL5OPT|BASH_ENV|ENV|PATH|GCONV_PATH|MALLOC_[A-Z_]+");

    private final Set<String> pruneKeys;
    private final Path reposDir;
    private final Set<Path> repositories;

    /**
     * @param pruneKeys    fingerprints of keys allowed to run borg serve without --append-only
     * @param reposDir     the audited repository directory (named in messages)
     * @param repositories the real paths of the repositories found there
     */
    KeyRules(Set<String> pruneKeys, Path reposDir, Set<Path> repositories) {
        this.pruneKeys = Set.copyOf(pruneKeys);
        this.reposDir = reposDir;
        this.repositories = Set.copyOf(repositories);
    }

    /** Checks one key, adds its findings to {@code findings} and returns its report. */
    KeyReport evaluate(AuthorizedKey key, List<Finding> findings) {
        boolean prune = pruneKeys.contains(key.fingerprint());
        LoginOptions options = key.options();
        String command = options.command();
        BorgServeCommand serve = command == null ? null : BorgServeCommand.parse(command);
        if (options.has("cert-authority")) {
            findings.add(finding(FindingCode.CERT_AUTHORITY, key, "certificate-authority key: any certificate it signs logs in,"
                    + " with the certificate's own force-command and source-address, which this audit cannot see"));
        }
        options.options().stream().filter(o -> o.name().equals("environment")).forEach(o -> findings.add(finding(
                FindingCode.ENVIRONMENT_OPTION, key, "environment=\"" + o.value() + "\": with PermitUserEnvironment yes"
                        + " sshd sets it for borg serve (LD_PRELOAD or PYTHONPATH run the key holder's code there); remove it")));
        boolean repositoriesOk = false;
        if (command == null) {
            findings.add(finding(FindingCode.NO_FORCED_COMMAND, key,
                    "no command= option: the key gets a shell and can delete every repository"));
        } else if (!serve.isBorgServe()) {
            findings.add(finding(FindingCode.NOT_BORG_SERVE, key, serve.problem() + ": " + command));
        } else {
            repositoriesOk = checkServe(key, serve, prune, findings);
        }
        List<String> open = options.openCapabilities();
        if (!open.isEmpty()) {
            findings.add(options.restrictIntended()
                    ? finding(FindingCode.RESTRICTION_UNDONE, key, "restrict is undone by later options: "
                            + String.join(", ", open) + " enabled again")
                    : finding(FindingCode.NOT_RESTRICTED, key, "no restrict option: " + String.join(", ", open)
                            + " stay enabled"));
        }
        if (options.from() == null) {
            findings.add(prune
                    ? finding(FindingCode.PRUNE_KEY_NO_FROM, key, "the prune-host key has no from= option: the key that"
                            + " can erase history works from any address")
                    : finding(FindingCode.NO_FROM, key, "no from= option: the key works from any address"));
        }
        boolean borgServe = serve != null && serve.isBorgServe();
        return new KeyReport(key.source(), key.keyType(), key.fingerprint(), key.comment(), prune, command, borgServe,
                borgServe && serve.appendOnly(), borgServe ? serve.restrictions() : List.of(), repositoriesOk,
                open.isEmpty(), open, options.from());
    }

    /** Append-only and repository checks; returns whether every restriction names a known repository. */
    private boolean checkServe(AuthorizedKey key, BorgServeCommand serve, boolean prune, List<Finding> findings) {
        for (String assignment : serve.environment()) {
            String name = assignment.substring(0, assignment.indexOf('='));
            if (LOADS_CODE.matcher(name).matches()) {
                findings.add(finding(FindingCode.COMMAND_ENVIRONMENT, key, "the forced command sets " + name + " for borg"
                        + " serve: it loads other code into the process that enforces the fences; remove it"));
            }
        }
        if (!serve.appendOnly() && !prune) {
            findings.add(finding(FindingCode.NO_APPEND_ONLY, key, "borg serve without --append-only: the key can delete"
                    + " archives and the repository for good (pass --prune-key if this is the prune host's key)"));
        }
        if (serve.appendOnly() && prune) {
            findings.add(finding(FindingCode.PRUNE_KEY_APPEND_ONLY, key,
                    "the prune-host key runs borg serve --append-only: prune and compact through it free no space"));
        }
        if (serve.restrictions().isEmpty()) {
            findings.add(finding(FindingCode.NO_REPOSITORY_RESTRICTION, key, "borg serve without --restrict-to-repository:"
                    + " the key reaches every repository this account can write"));
            return false;
        }
        boolean allKnown = true;
        for (String r : serve.repositories()) {
            allKnown &= known(key, r, "--restrict-to-repository " + r + " is not a repository under " + reposDir, findings);
        }
        for (String p : serve.paths()) {
            Path real = realPath(p);
            List<Path> below = real == null ? List.of() : repositories.stream().filter(r -> r.startsWith(real) && !r.equals(real))
                    .sorted().toList();
            if (!below.isEmpty()) {
                findings.add(finding(FindingCode.RESTRICT_TO_SHARED_PATH, key, "--restrict-to-path " + p + " holds "
                        + below.size() + " repositories (" + below.get(0) + (below.size() > 1 ? ", ..." : "") + "): the key"
                        + " reaches all of them and can create new ones; use --restrict-to-repository with its own"));
                allKnown = false;
                continue;
            }
            allKnown &= known(key, p, "--restrict-to-path " + p + " is not a repository under " + reposDir
                    + "; the key reaches every repository below it", findings);
        }
        return allKnown;
    }

    private boolean known(AuthorizedKey key, String restriction, String message, List<Finding> findings) {
        if (repositories.contains(realPath(restriction))) {
            return true;
        }
        boolean relative = !restriction.startsWith("/");
        findings.add(finding(FindingCode.UNKNOWN_REPOSITORY, key, relative ? restriction + " is a relative path, which"
                + " borg resolves against the account's working directory: write the repository's absolute path" : message));
        return false;
    }

    /** The path borg would compare (it uses realpath); null for a relative or malformed path. */
    static Path realPath(String path) {
        try {
            Path p = Path.of(path);
            if (!p.isAbsolute()) {
                return null;
            }
            return Files.exists(p) ? p.toRealPath() : p.normalize();
        } catch (InvalidPathException | IOException e) {
            return null;
        }
    }

    private static Finding finding(FindingCode code, AuthorizedKey key, String message) {
        return code.about(key.source(), key.fingerprint(), key.comment(), message);
    }

    /** Real paths of the repositories in a scan, for {@link #KeyRules(Set, Path, Set)}. */
    static Set<Path> realPaths(List<RepositoryReport> repositories) {
        Set<Path> paths = new HashSet<>();
        for (RepositoryReport r : repositories) {
            try {
                paths.add(Path.of(r.path()).toRealPath());
            } catch (IOException e) {
                paths.add(Path.of(r.path()).toAbsolutePath().normalize());
            }
        }
        return paths;
    }
}
