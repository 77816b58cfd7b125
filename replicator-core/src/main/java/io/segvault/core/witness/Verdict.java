package io.segvault.core.witness;

import java.time.Instant;
import java.util.Objects;

/**
 * What the witness decided about one restore point version, signed by it: {@code attested} (every check passed) or
 * {@code refused} (with the reason). Its JSON form is documented in docs/witness.md.
 *
 * @param formatVersion  {@value #FORMAT}
 * @param kind           {@link #ATTESTED} or {@link #REFUSED}
 * @param repo           repository name in the bucket
 * @param transaction    the point's transaction T
 * @param pointKey       the point's full key
 * @param pointVersionId the point version the verdict is about
 * @param pointSha256    SHA-256 of that version's exact bytes, as the witness hashed them
 * @param pointWritten   the server's write time of that version (LastModified)
 * @param firstSeen      when the witness first listed that version
 * @param at             when the verdict was made
 * @param reason         null when attested; else one of fork, order, object, lock, checksum, drill, inconsistent
 * @param detail         what was wrong (refused) or a short summary (attested)
 * @param checks         what was checked (attested); null when refused before the checks ran
 * @param previous       the point attested before this one (the witness's own chain), null for its first
 * @param keyId          id of the signing key
 */
public record Verdict(int formatVersion, String kind, String repo, long transaction, String pointKey, String pointVersionId,
                      String pointSha256, Instant pointWritten, Instant firstSeen, Instant at, String reason, String detail,
                      Checks checks, Link previous, String keyId) {

    public static final int FORMAT = 1;
    public static final String ATTESTED = "attested";
    public static final String REFUSED = "refused";

    public Verdict {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(pointKey, "pointKey");
        Objects.requireNonNull(pointVersionId, "pointVersionId");
    }

    public boolean attested() {
        return ATTESTED.equals(kind);
    }

    /**
     * @param objects       objects checked (segments, control files and the point itself)
     * @param bytes         their total size
     * @param readBackBytes bytes the witness read and hashed for this point (objects verified for an earlier point are not
     *                      read again)
     * @param lockHorizon   the earliest retain-until date among the objects (COMPLIANCE)
     * @param drill         the drill run on this point, or null when none was due
     */
    public record Checks(int objects, long bytes, long readBackBytes, Instant lockHorizon, DrillCheck drill) {
    }

    /**
     * A drill: restore into scratch space, then {@code borg check}.
     *
     * @param borgExit borg check's exit code; -1 when the restore itself failed
     * @param note     what failed (the restore's error or the end of borg's output), at most 500 characters; null when ok
     */
    public record DrillCheck(Instant at, boolean ok, boolean archivesChecked, int borgExit, String note) {

        public DrillCheck {
            if (note != null && note.length() > 500) {
                note = note.substring(note.length() - 500);
            }
        }
    }

    /** A point of the witness's own chain. */
    public record Link(long transaction, String sha256) {
    }
}
