package io.segvault.core.replicate;

import java.time.Instant;
import java.util.List;

/**
 * What {@code segvault status} shows for one repository (read locally: the repository and the ledger, no
 * S3 request).
 *
 * @param repo               name in the bucket
 * @param path               directory
 * @param committed          newest committed transaction T (null when unreadable)
 * @param offsite            transaction of the newest restore point offsite (null when none)
 * @param offsiteAt          when that point was written
 * @param pendingSegments    committed segments not yet offsite
 * @param pendingBytes       their bytes
 * @param lagSeconds         how long the newest commit has waited for its point (0 when offsite)
 * @param earliestRetain     earliest retain-until among the objects of the newest point
 * @param tamperEvents       tamper events recorded for the repository
 * @param recentEvents       the newest few events, one line each
 * @param lastPassOk         outcome of the last pass (null when none)
 * @param lastPassMessage    its message (the error when it failed)
 * @param lastPassAt         when it ran
 * @param problem            why the repository could not be read now, or null
 */
public record RepoStatus(String repo, String path, Long committed, Long offsite, Instant offsiteAt, int pendingSegments,
                         long pendingBytes, long lagSeconds, Instant earliestRetain, long tamperEvents, List<String> recentEvents,
                         Boolean lastPassOk, String lastPassMessage, Instant lastPassAt, String problem) {

    /** True when the newest commit has its point offsite and the last pass succeeded. */
    public boolean upToDate() {
        return problem == null && committed != null && committed.equals(offsite) && !Boolean.FALSE.equals(lastPassOk);
    }
}
