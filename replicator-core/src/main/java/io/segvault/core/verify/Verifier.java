package io.segvault.core.verify;

import io.segvault.core.borg.HashedFile;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.layout.InvalidKeyException;
import io.segvault.core.manifest.ManifestException;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.PointRef;
import io.segvault.core.store.LockMode;
import io.segvault.core.store.ObjectNotFoundException;
import io.segvault.core.store.ObjectReader;
import io.segvault.core.store.ObjectVersion;
import io.segvault.core.store.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Checks what is offsite: every object named by every point (or the newest) exists at its version, is
 * COMPLIANCE-locked until at least the horizon, has the size and SHA-256 the point says (metadata, or
 * re-hashed with deep), the points' hash chain is intact, and no foreign version or delete marker sits on
 * a key segvault wrote.
 */
public final class Verifier {

    private final PointCatalog catalog;
    private final ObjectReader store;

    public Verifier(PointCatalog catalog) {
        this.catalog = catalog;
        this.store = catalog.store();
    }

    public VerifyReport verify(String repo, boolean newestOnly, boolean deep, Instant horizon) {
        return verify(repo, newestOnly, null, deep, horizon);
    }

    /** As {@link #verify(String, boolean, boolean, Instant)}, with {@code newest} (when not null) as the newest point to check. */
    public VerifyReport verify(String repo, boolean newestOnly, PointRef newest, boolean deep, Instant horizon) {
        List<Problem> problems = new ArrayList<>();
        List<PointRef> points = catalog.list(repo);
        if (points.isEmpty()) {
            problems.add(new Problem("NO_POINTS", catalog.layout().pointsPrefix(repo), "no restore points for repository " + repo));
            return new VerifyReport(repo, 0, 0, deep, horizon, problems);
        }
        for (PointRef ref : points) {
            if (!ref.consistent()) {
                problems.add(new Problem("INCONSISTENT_POINT", ref.key(), "version " + ref.versionId() + " (written "
                        + ref.written() + ") " + ref.problem()));
            }
        }
        List<PointRef> chain = points.stream().filter(PointRef::consistent).toList();
        if (chain.isEmpty()) {
            problems.add(new Problem("NO_CONSISTENT_POINT", catalog.layout().pointsPrefix(repo), "none of the " + points.size()
                    + " restore points of " + repo + " is consistent"));
            return new VerifyReport(repo, 0, 0, deep, horizon, problems);
        }
        Set<String> checked = new HashSet<>();
        Set<String> named = new HashSet<>();
        List<PointRef> todo = newestOnly ? newest != null ? List.of(newest) : chain.subList(0, 1) : chain;
        for (PointRef ref : chain) {
            RestorePoint point;
            try {
                point = catalog.read(ref);
            } catch (ManifestException e) {
                problems.add(new Problem("BAD_POINT", ref.key(), e.getMessage()));
                continue;
            }
            named.add(ref.key() + "@" + ref.versionId());
            String base = catalog.layout().repoPrefix(repo);
            point.segments().forEach(s -> named.add(base + s.key() + "@" + s.versionId()));
            point.control().forEach(c -> named.add(base + c.key() + "@" + c.versionId()));
            if (todo.contains(ref)) {
                checkPointObject(ref, horizon, problems, checked);
                checkObjects(repo, point, deep, horizon, problems, checked);
            }
        }
        points.stream().filter(p -> !p.consistent()).forEach(p -> named.add(p.key() + "@" + p.versionId()));
        checkForeign(repo, named, problems);
        return new VerifyReport(repo, todo.size(), checked.size(), deep, horizon, problems);
    }

    private void checkPointObject(PointRef ref, Instant horizon, List<Problem> problems, Set<String> checked) {
        checked.add(ref.key() + "@" + ref.versionId());
        StoredObject o = store.head(ref.key(), ref.versionId());
        checkLock(ref.key(), o, horizon, problems);
    }

    private void checkObjects(String repo, RestorePoint point, boolean deep, Instant horizon, List<Problem> problems,
                              Set<String> checked) {
        String base = catalog.layout().repoPrefix(repo);
        List<String[]> entries = new ArrayList<>();
        point.segments().forEach(s -> entries.add(new String[] {base + s.key(), s.versionId(), Long.toString(s.size()), s.sha256()}));
        point.control().forEach(c -> entries.add(new String[] {base + c.key(), c.versionId(), Long.toString(c.size()), c.sha256()}));
        for (String[] e : entries) {
            if (!checked.add(e[0] + "@" + e[1])) {
                continue;
            }
            checkObject(e[0], e[1], Long.parseLong(e[2]), e[3], deep, horizon, problems);
        }
    }

    private void checkObject(String key, String version, long size, String sha, boolean deep, Instant horizon,
                             List<Problem> problems) {
        StoredObject o;
        try {
            o = store.head(key, version);
        } catch (ObjectNotFoundException e) {
            problems.add(new Problem("MISSING_VERSION", key, "version " + version + " does not exist"));
            return;
        }
        if (o.size() != size) {
            problems.add(new Problem("SIZE_MISMATCH", key, "is " + o.size() + " bytes, the point says " + size));
        }
        if (o.sha256() != null && !o.sha256().equals(sha)) {
            problems.add(new Problem("HASH_MISMATCH", key, "metadata SHA-256 " + o.sha256() + ", the point says " + sha));
        }
        checkLock(key, o, horizon, problems);
        if (deep) {
            HashedFile h = rehash(key, version);
            if (!h.sha256().equals(sha) || h.size() != size) {
                problems.add(new Problem("HASH_MISMATCH", key, "downloaded bytes hash to " + h.sha256() + " (" + h.size()
                        + " bytes), the point says " + sha + " (" + size + " bytes)"));
            }
        }
    }

    private static void checkLock(String key, StoredObject o, Instant horizon, List<Problem> problems) {
        if (o.lockMode() != LockMode.COMPLIANCE) {
            problems.add(new Problem("NOT_LOCKED", key, "version " + o.versionId() + " has lock mode " + o.lockMode()
                    + ", not COMPLIANCE"));
        } else if (o.retainUntil() == null || o.retainUntil().isBefore(horizon)) {
            problems.add(new Problem("LOCK_TOO_SHORT", key, "version " + o.versionId() + " is locked until " + o.retainUntil()
                    + ", before the horizon " + horizon));
        }
    }

    private HashedFile rehash(String key, String version) {
        try (InputStream in = store.get(key, version, 0, -1)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long n = 0;
            byte[] buf = new byte[256 * 1024];
            try (DigestInputStream din = new DigestInputStream(in, md)) {
                int r;
                while ((r = din.read(buf)) > 0) {
                    n += r;
                }
            }
            return new HashedFile(n, HexFormat.of().formatHex(md.digest()));
        } catch (IOException e) {
            return new HashedFile(-1, "unreadable: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Foreign versions: under the repository's prefix, a version of a logical object (a key, or the key an alternative
     * key stands in for) whose other version a consistent point names (segvault writes every key once, so a second
     * version is never its own), or any key outside the bucket format. Keys no point names yet (an upload of the next
     * point in progress, a squatted future key nothing uses) are not reported. Identity objects ({@code repo.json}) are
     * not named by points and are left out; inconsistent points are reported on their own.
     */
    private void checkForeign(String repo, Set<String> named, List<Problem> problems) {
        BucketLayout layout = catalog.layout();
        Set<String> namedObjects = new HashSet<>();
        named.forEach(n -> namedObjects.add(layout.canonical(n.substring(0, n.lastIndexOf('@')))));
        for (ObjectVersion v : store.listVersions(layout.repoPrefix(repo))) {
            if (v.deleteMarker()) {
                problems.add(new Problem("DELETE_MARKER", v.key(), "a delete marker (version " + v.versionId()
                        + ") was written on a key segvault wrote once; the locked data is still there"));
                continue;
            }
            if (named.contains(v.key() + "@" + v.versionId())) {
                continue;
            }
            BucketLayout.Key k;
            try {
                k = layout.parse(v.key());
            } catch (InvalidKeyException e) {
                problems.add(new Problem("FOREIGN_VERSION", v.key(), "is not a key of the bucket format (version "
                        + v.versionId() + "); segvault never writes it"));
                continue;
            }
            if (!(k instanceof BucketLayout.RepoJsonKey) && !(k instanceof BucketLayout.PointKey)
                    && namedObjects.contains(layout.canonical(v.key()))) {
                problems.add(new Problem("FOREIGN_VERSION", v.key(), "version " + v.versionId() + " (" + v.size()
                        + " bytes, written " + v.lastModified() + ") is not the version the restore points name: segvault did "
                        + "not write it; restore never reads it"));
            }
        }
    }
}
