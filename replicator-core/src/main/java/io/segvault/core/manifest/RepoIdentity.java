package io.segvault.core.manifest;

import java.time.Instant;

/**
 * {@code repo.json}: pins a repository name in the bucket to one Borg repository id, so two servers
 * cannot write different repositories under one name.
 *
 * @param formatVersion bucket format version
 * @param repo          repository name in the bucket
 * @param repoId        Borg repository id
 * @param createdAt     when the name was first claimed
 */
public record RepoIdentity(int formatVersion, String repo, String repoId, Instant createdAt) {
}
