package io.segvault.core.verify;

import io.segvault.core.borg.HashedFile;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.ManifestException;
import io.segvault.core.manifest.RestorePoint;
import io.segvault.core.restore.PointCatalog;
import io.segvault.core.restore.PointRef;
import io.segvault.core.store.LockMode;
import io.segvault.core.store.ObjectNotFoundException;
import io.segvault.core.store.ObjectStore;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks what is offsite: every object named by every point (or the newest) exists at its version, is
 * COMPLIANCE-locked until at least the horizon, has the size and SHA-256 the point says (metadata, or
 * re-hashed with deep), the points' hash chain is intact, and no foreign version or delete marker sits on
 * a key segvault wrote.
 */
public final class Verifier {

    private final PointCatalog catalog;
    private final ObjectStore store;

    public Verifier(PointCatalog catalog) {
        this.catalog = catalog;
        this.store = catalog.store();
    }

    public VerifyReport verify(String repo, boolean newestOnly, boolean deep, Instant horizon) {
        List<Problem> problems = new ArrayList<>();
        List<PointRef> points = catalog.list(repo);
        if (points.isEmpty()) {
            problems.add(new Problem("NO_POINTS", catalog.layout().pointsPrefix(repo), "no restore points for repository " + repo));
            return new VerifyReport(repo, 0, 0, deep, horizon, problems);
        }
        Map<Long, PointRef> byT = new LinkedHashMap<>();
        points.forEach(p -> byT.put(p.transaction(), p));
        Set<String> checked = new HashSet<>();
        List<PointRef> todo = newestOnly ? points.subList(0, 1) : points;
        for (PointRef ref : todo) {
            RestorePoint point;
            try {
                point = catalog.read(ref);
            } catch (ManifestException e) {
                problems.add(new Problem("BAD_POINT", ref.key(), e.getMessage()));
                continue;
            }
            checkPointObject(ref, horizon, problems, checked);
            checkChain(ref, point, byT, problems);
            checkObjects(repo, point, deep, horizon, problems, checked);
        }
        checkForeign(repo, problems);
        return new VerifyReport(repo, todo.size(), checked.size(), deep, horizon, problems);
    }

    private void checkPointObject(PointRef ref, Instant horizon, List<Problem> problems, Set<String> checked) {
        checked.add(ref.key() + "@" + ref.versionId());
        StoredObject o = store.head(ref.key(), ref.versionId());
        checkLock(ref.key(), o, horizon, problems);
    }

    private void checkChain(PointRef ref, RestorePoint point, Map<Long, PointRef> byT, List<Problem> problems) {
        if (point.previous() == null) {
            return;
        }
        PointRef prev = byT.get(point.previous().transaction());
        if (prev == null) {
            problems.add(new Problem("CHAIN_BROKEN", ref.key(), "names previous point " + point.previous().transaction()
                    + ", which is not in the bucket"));
            return;
        }
        String actual = ManifestCodec.sha256(catalog.bytes(prev.key(), prev.versionId()));
        if (!actual.equals(point.previous().sha256())) {
            problems.add(new Problem("CHAIN_BROKEN", ref.key(), "names previous point " + prev.key() + " with SHA-256 "
                    + point.previous().sha256() + " but its bytes hash to " + actual));
        }
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

    private void checkForeign(String repo, List<Problem> problems) {
        Map<String, Integer> dataVersions = new LinkedHashMap<>();
        for (ObjectVersion v : store.listVersions(catalog.layout().repoPrefix(repo))) {
            if (v.deleteMarker()) {
                problems.add(new Problem("DELETE_MARKER", v.key(), "a delete marker (version " + v.versionId()
                        + ") was written on a key segvault wrote once; the locked data is still there"));
            } else {
                dataVersions.merge(v.key(), 1, Integer::sum);
            }
        }
        dataVersions.forEach((key, n) -> {
            if (n > 1) {
                problems.add(new Problem("FOREIGN_VERSION", key, (n - 1) + " version(s) were written after segvault's; "
                        + "restore reads segvault's version by id"));
            }
        });
    }
}
