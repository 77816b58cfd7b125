package io.segvault.core.replicate;

import java.time.Duration;

/**
 * Outcome of one replication pass of one repository.
 *
 * @param repo             repository name
 * @param transaction      committed transaction the pass replicated
 * @param pointWritten     whether a new restore point was written (false: it was already offsite)
 * @param objectsUploaded  objects written by this pass
 * @param bytesUploaded    bytes written by this pass
 * @param objectsSkipped   objects found already offsite
 * @param tamperEvents     tamper events raised by this pass
 * @param took             wall time
 */
public record SyncResult(String repo, long transaction, boolean pointWritten, int objectsUploaded, long bytesUploaded,
                         int objectsSkipped, int tamperEvents, Duration took) {
}
