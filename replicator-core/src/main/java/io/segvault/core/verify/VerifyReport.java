package io.segvault.core.verify;

import java.time.Instant;
import java.util.List;

/**
 * Result of {@code segvault verify}.
 *
 * @param repo            repository
 * @param pointsChecked   restore points checked
 * @param objectsChecked  distinct object versions checked
 * @param deep            whether objects were downloaded and re-hashed
 * @param horizon         the date every object had to be locked until
 * @param problems        everything found wrong (empty = all good)
 */
public record VerifyReport(String repo, int pointsChecked, int objectsChecked, boolean deep, Instant horizon, List<Problem> problems) {

    public boolean ok() {
        return problems.isEmpty();
    }
}
