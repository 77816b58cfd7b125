package io.segvault.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns a configured repository location into a {@link Path}: a local directory ({@code /srv/borg-repos/acme}) on the
 * default file system, or {@code sftp://user@host[:port]/srv/borg-repos/acme} on a remote file system (pull mode).
 * Everything that reads a repository works on the returned path through {@code java.nio.file.Files}, so the borg
 * model does not know where the bytes come from.
 */
@FunctionalInterface
public interface RepoLocator {

    /** Resolves local paths only; an {@code sftp://} location is refused with a message naming it. */
    RepoLocator LOCAL = location -> {
        if (isRemote(location)) {
            throw new ConfigException(location + ": sftp:// repositories need the agent's SSH settings (ssh.keyFile,"
                    + " ssh.knownHosts)");
        }
        return Path.of(location);
    };

    /**
     * The path of {@code location}.
     *
     * @throws RuntimeException with a one-line message naming the location (and host) when it cannot be reached
     */
    Path locate(String location);

    /** Whether {@code location} is an {@code sftp://} URI rather than a local path. */
    static boolean isRemote(String location) {
        return location.regionMatches(true, 0, "sftp://", 0, 7);
    }

    /**
     * Parses and checks an {@code sftp://user@host[:port]/absolute/path} location.
     *
     * @return null when it is valid, else what is wrong (one line)
     */
    static String checkRemote(String location) {
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            return "not a valid sftp:// URI: " + e.getMessage();
        }
        if (!"sftp".equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
            return "scheme must be sftp";
        }
        if (uri.getHost() == null) {
            return "no host (expected sftp://user@host[:port]/path)";
        }
        if (uri.getUserInfo() == null || uri.getUserInfo().isEmpty() || uri.getUserInfo().contains(":")) {
            return "needs a user and no password (expected sftp://user@host[:port]/path; the key is ssh.keyFile)";
        }
        if (uri.getPath() == null || !uri.getPath().startsWith("/") || uri.getPath().length() < 2) {
            return "needs an absolute path on the server (expected sftp://user@host[:port]/path)";
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            return "must not have a query or fragment";
        }
        return null;
    }
}
