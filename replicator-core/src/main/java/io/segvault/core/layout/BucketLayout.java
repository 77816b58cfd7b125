package io.segvault.core.layout;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bucket format, version {@value #FORMAT_VERSION}: the one place that builds and parses object keys.
 *
 * <pre>
 * &lt;prefix&gt;&lt;repo&gt;/repo.json                     repository identity
 * &lt;prefix&gt;&lt;repo&gt;/segments/&lt;n:010d&gt;/&lt;sha256&gt;    byte-identical copy of data/&lt;dir&gt;/&lt;n&gt;
 * &lt;prefix&gt;&lt;repo&gt;/control/&lt;T:010d&gt;/&lt;name&gt;       config, hints.T, index.T, integrity.T, nonce
 * &lt;prefix&gt;&lt;repo&gt;/points/&lt;T:010d&gt;-&lt;sha256&gt;.json restore point of T, named by the SHA-256 of its bytes
 * &lt;prefix&gt;&lt;repo&gt;/points/&lt;T:010d&gt;.json          restore point of T, format 1 (read, no longer written)
 * </pre>
 *
 * A segment, control or identity key that holds bytes segvault did not write (a squatter with the agent's
 * credential) is replaced by an <em>alternative key</em>: the same key with {@code ~<16 random hex>} appended
 * ({@code repo~<16 hex>.json} for the identity), which nobody can predict and so nobody can occupy first.
 *
 * Numbers are zero-padded to ten digits so listings sort numerically. Every key this class returns
 * parses back to the same value; every key it does not recognise (path traversal, absolute paths,
 * unknown shapes) is rejected by {@link #parse} with an {@link InvalidKeyException}.
 */
public final class BucketLayout {

    public static final int FORMAT_VERSION = 2;
    public static final long MAX_NUMBER = 9_999_999_999L;

    /** The last repository name {@link #checkRepoName} accepted. */
    private static volatile String lastValidRepo;
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9._-]+/)*");
    private static final Pattern CONTROL_NAME = Pattern.compile("config|nonce|README|(index|hints|integrity)\\.(\\d{1,10})");
    private static final String ALT = "(~[0-9a-f]{16})?";
    private static final Pattern SEGMENT = Pattern.compile("segments/(\\d{10})/([0-9a-f]{64})" + ALT);
    private static final Pattern CONTROL = Pattern.compile("control/(\\d{10})/([^/~]+)" + ALT);
    private static final Pattern POINT = Pattern.compile("points/(\\d{10})(?:-([0-9a-f]{64}))?\\.json");
    private static final Pattern REPO_JSON = Pattern.compile("repo" + ALT + "\\.json");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String prefix;

    /** @param prefix empty, or path segments each ending in '/', e.g. {@code "borg/"}; no leading '/', no '..' */
    public BucketLayout(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!PREFIX.matcher(prefix).matches() || prefix.contains("/../") || prefix.startsWith("../")
                || prefix.contains("/./") || prefix.startsWith("./")) {
            throw new IllegalArgumentException("prefix '" + prefix + "' must be empty or path segments of letters, digits, "
                    + "'.', '_' or '-' each ending in '/', e.g. 'borg/' (no leading '/', no '.' or '..' segments)");
        }
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** Checks a repository name: 1-100 of letters, digits, '.', '_', '-', starting with a letter or digit. */
    public static String checkRepoName(String repo) {
        if (repo != null && repo.equals(lastValidRepo)) {
            return repo; // every key of a pass names the same repository: checked once
        }
        if (repo == null || !REPO.matcher(repo).matches()) {
            throw new IllegalArgumentException("repository name '" + repo + "' must be 1-100 letters, digits, '.', '_' or '-'"
                    + " and start with a letter or digit");
        }
        lastValidRepo = repo;
        return repo;
    }

    /** Everything of one repository: {@code <prefix><repo>/}. */
    public String repoPrefix(String repo) {
        return prefix + checkRepoName(repo) + "/";
    }

    public String repoJson(String repo) {
        return repoPrefix(repo) + "repo.json";
    }

    public String segment(String repo, long number, String sha256) {
        checkNumber(number, "segment number");
        checkSha(sha256);
        return repoPrefix(repo) + "segments/" + pad(number) + "/" + sha256;
    }

    public String segmentsPrefix(String repo) {
        return repoPrefix(repo) + "segments/";
    }

    public String control(String repo, long transaction, String name) {
        checkNumber(transaction, "transaction");
        checkControlName(name, transaction, name);
        return repoPrefix(repo) + "control/" + pad(transaction) + "/" + name;
    }

    /** The format-1 key of point T (read only: format 2 names a point by its content). */
    public String point(String repo, long transaction) {
        checkNumber(transaction, "transaction");
        return repoPrefix(repo) + "points/" + pad(transaction) + ".json";
    }

    /** The format-2 key of point T whose exact bytes hash to {@code sha256}. */
    public String point(String repo, long transaction, String sha256) {
        checkNumber(transaction, "transaction");
        checkSha(sha256);
        return repoPrefix(repo) + "points/" + pad(transaction) + "-" + sha256 + ".json";
    }

    /**
     * An alternative to {@code key} (a segment, control or identity key) for when {@code key} is occupied by bytes
     * segvault did not write: the same key with {@code ~} and 16 random hex digits, unpredictable to a squatter.
     */
    public String alternative(String key) {
        Key k = parse(key);
        String suffix = "~" + HexFormat.of().formatHex(randomBytes());
        if (k instanceof SegmentKey sk) {
            return segment(sk.repo(), sk.number(), sk.sha256()) + suffix;
        } else if (k instanceof ControlKey ck) {
            return control(ck.repo(), ck.transaction(), ck.name()) + suffix;
        } else if (k instanceof RepoJsonKey rk) {
            return repoPrefix(rk.repo()) + "repo" + suffix + ".json";
        }
        throw new IllegalArgumentException("points are named by their content and have no alternative: " + key);
    }

    /** The key {@code key} stands in for: itself, or the canonical key of an alternative key. */
    public String canonical(String key) {
        Key k = parse(key);
        if (k instanceof SegmentKey sk) {
            return segment(sk.repo(), sk.number(), sk.sha256());
        } else if (k instanceof ControlKey ck) {
            return control(ck.repo(), ck.transaction(), ck.name());
        } else if (k instanceof RepoJsonKey rk) {
            return repoJson(rk.repo());
        }
        return key;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }

    public String pointsPrefix(String repo) {
        return repoPrefix(repo) + "points/";
    }

    /** A parsed key. */
    public sealed interface Key permits RepoJsonKey, SegmentKey, ControlKey, PointKey {
        String repo();
    }

    public record RepoJsonKey(String repo) implements Key {
    }

    public record SegmentKey(String repo, long number, String sha256) implements Key {
    }

    public record ControlKey(String repo, long transaction, String name) implements Key {
    }

    /** A point key; {@code sha256} is null for a format-1 key ({@code points/T.json}). */
    public record PointKey(String repo, long transaction, String sha256) implements Key {
    }

    /** Parses a full key of this layout (with this layout's prefix); anything else is an {@link InvalidKeyException}. */
    public Key parse(String key) {
        if (key == null || !key.startsWith(prefix)) {
            throw new InvalidKeyException(key, "does not start with the prefix '" + prefix + "'");
        }
        String rest = key.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw new InvalidKeyException(key, "has no repository part");
        }
        String repo = rest.substring(0, slash);
        if (!REPO.matcher(repo).matches()) {
            throw new InvalidKeyException(key, "repository part '" + repo + "' is not a valid repository name");
        }
        String tail = rest.substring(slash + 1);
        if (REPO_JSON.matcher(tail).matches()) {
            return new RepoJsonKey(repo);
        }
        Matcher m = SEGMENT.matcher(tail);
        if (m.matches()) {
            return new SegmentKey(repo, Long.parseLong(m.group(1)), m.group(2));
        }
        m = POINT.matcher(tail);
        if (m.matches()) {
            return new PointKey(repo, Long.parseLong(m.group(1)), m.group(2));
        }
        m = CONTROL.matcher(tail);
        if (m.matches()) {
            long t = Long.parseLong(m.group(1));
            checkControlName(m.group(2), t, key);
            return new ControlKey(repo, t, m.group(2));
        }
        throw new InvalidKeyException(key, "is not a key of bucket format 1 or " + FORMAT_VERSION);
    }

    /** The key relative to the repository prefix, as restore points store it, e.g. {@code segments/0000000017/<sha>}. */
    public String relative(String repo, String key) {
        String base = repoPrefix(repo);
        if (!key.startsWith(base)) {
            throw new InvalidKeyException(key, "is not under " + base);
        }
        return key.substring(base.length());
    }

    /** The full key for a relative key from a restore point; the result is parsed, so traversal is refused. */
    public Key resolve(String repo, String relativeKey) {
        if (relativeKey == null || relativeKey.startsWith("/") || relativeKey.contains("..") || relativeKey.contains("\\")) {
            throw new InvalidKeyException(relativeKey, "is not a relative key of this layout (absolute or contains '..')");
        }
        Key k = parse(repoPrefix(repo) + relativeKey);
        if (!k.repo().equals(repo)) {
            throw new InvalidKeyException(relativeKey, "names repository " + k.repo() + ", not " + repo);
        }
        return k;
    }

    /** {@code n} in ten digits or more, with leading zeros ({@code %010d}). */
    public static String pad(long n) {
        if (n < 0) {
            return String.format(Locale.ROOT, "%010d", n);
        }
        String digits = Long.toString(n);
        return digits.length() >= 10 ? digits : "0000000000".substring(digits.length()) + digits;
    }

    private static void checkSha(String sha256) {
        if (!isSha256(sha256)) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits: " + sha256);
        }
    }

    /** 64 lower-case hex digits. */
    public static boolean isSha256(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    private static void checkNumber(long n, String what) {
        if (n < 0 || n > MAX_NUMBER) {
            throw new IllegalArgumentException(what + " " + n + " is outside 0.." + MAX_NUMBER);
        }
    }

    /** Control file names are config, nonce, README, or index/hints/integrity of the same transaction. */
    private static void checkControlName(String name, long transaction, String subject) {
        Matcher m = CONTROL_NAME.matcher(name == null ? "" : name);
        if (!m.matches()) {
            throw new InvalidKeyException(subject, "control file name '" + name
                    + "' is not one of config, nonce, README, index.T, hints.T, integrity.T");
        }
        if (m.group(2) != null && Long.parseLong(m.group(2)) != transaction) {
            throw new InvalidKeyException(subject, "control file " + name + " does not belong to transaction " + transaction);
        }
    }
}
