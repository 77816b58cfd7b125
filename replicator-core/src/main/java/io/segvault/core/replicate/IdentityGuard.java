package io.segvault.core.replicate;

import io.segvault.core.layout.BucketLayout;
import io.segvault.core.ledger.Ledger;
import io.segvault.core.ledger.PointRecord;
import io.segvault.core.ledger.UploadedObject;
import io.segvault.core.manifest.ManifestCodec;
import io.segvault.core.manifest.RepoIdentity;
import io.segvault.core.store.ObjectReader;
import io.segvault.core.store.ObjectSource;
import io.segvault.core.store.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pins a repository name to one Borg repository id and checks the id on every pass, before anything is uploaded.
 *
 * <p>The pin comes from evidence, in this order: what this process already pinned; the ledger's pin (recorded when
 * the agent wrote a point or claimed the name, or by the ledger rebuild from the consistent chain); the newest restore
 * point in the ledger (read back at its version: ledgers from before pins); the agent's own {@code repo.json} record.
 * Only a name with none of those is claimed, by writing {@code repo.json}; a {@code repo.json} somebody else put there
 * first (any writer can) is a tamper event, not a reason to stop: the claim goes to an alternative key. A mismatch is
 * refused by name.
 */
public final class IdentityGuard {

    private final LockedWriter writer;
    private final ObjectReader reader;
    private final Ledger ledger;
    private final BucketLayout layout;
    private final Clock clock;
    private final Map<String, String> pins = new ConcurrentHashMap<>();

    public IdentityGuard(LockedWriter writer, ObjectReader reader, Ledger ledger, BucketLayout layout, Clock clock) {
        this.writer = writer;
        this.reader = reader;
        this.ledger = ledger;
        this.layout = layout;
        this.clock = clock;
    }

    /** Refuses (fatal {@link ReplicationException}) when {@code repoId} is not the id pinned for {@code repo}. */
    void ensure(String repo, String repoId) {
        String pinned = pins.get(repo);
        String source = "this agent's earlier passes";
        if (pinned == null) {
            Optional<PointRecord> newest = ledger.newestPoint(repo);
            Optional<String> recorded = ledger.pin(repo);
            if (recorded.isPresent()) {
                pinned = recorded.get();
                source = "the ledger's pin, from the restore points this agent wrote or the ledger rebuild verified";
            } else if (newest.isPresent()) {
                pinned = ManifestCodec.decode(bytes(newest.get().key(), newest.get().versionId()), newest.get().key(), repo,
                        layout).point().repoId();
                source = "restore point " + newest.get().key();
            } else {
                Optional<UploadedObject> own = ledger.alias(layout.repoJson(repo)).flatMap(ledger::object)
                        .or(() -> ledger.object(layout.repoJson(repo)));
                if (own.isPresent()) {
                    pinned = ManifestCodec.decodeIdentity(bytes(own.get().key(), own.get().versionId()), own.get().key()).repoId();
                    source = own.get().key();
                } else {
                    pinned = claim(repo, repoId);
                }
            }
            pins.put(repo, pinned);
            if (recorded.isEmpty()) {
                ledger.recordPin(repo, pinned);
            }
        }
        if (!pinned.equals(repoId)) {
            throw new ReplicationException(repo, "the repository at this path is Borg repository " + repoId + ", but the name '"
                    + repo + "' is pinned to Borg repository " + pinned + " (by " + source + "); nothing was uploaded. Another "
                    + "repository took this one's place: if that is intended, replicate it under a new name", true, null);
        }
    }

    /** Writes repo.json for a name nothing pins yet; a foreign object at the key is reported and left alone. */
    private String claim(String repo, String repoId) {
        String key = layout.repoJson(repo);
        byte[] json = ManifestCodec.encode(new RepoIdentity(BucketLayout.FORMAT_VERSION, repo, repoId, clock.instant()));
        String sha = ManifestCodec.sha256(json);
        StoredObject stored = writer.putOwn(repo, key, sha, ObjectSource.ofBytes(json), false, "the name is claimed in",
                () -> { });
        ledger.recordObject(new UploadedObject(repo, stored.key(), stored.size(), sha, stored.versionId(), stored.retainUntil()));
        return repoId;
    }

    private byte[] bytes(String key, String versionId) {
        try (InputStream in = reader.get(key, versionId, 0, -1)) {
            return in.readNBytes(256 * 1024 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + key, e);
        }
    }
}
