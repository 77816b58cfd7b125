package io.segvault.core.follow;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@link RepositoryFollower} follows and how.
 *
 * @param repos          repository directories named explicitly (need not exist yet; picked up once they are Borg
 *                       repositories)
 * @param globs          glob patterns of repository directories, e.g. {@code /srv/borg-repos/*} ({@code *}, {@code ?},
 *                       {@code [..]} and <code>{a,b}</code> within one path component; matched per component, so
 *                       {@code *} never crosses a {@code /}); repositories created later are picked up
 * @param rescanInterval period of the full rescan that fires {@code RESCAN} for every repository (the safety net for
 *                       lost events and file systems without events); must be positive
 * @param useEvents      whether to use file system events (inotify) in addition to the rescan
 * @param debounce       how long to wait after the first commit event of a burst before notifying, so a burst
 *                       becomes one call; zero or positive, well below one second (e.g. 200 ms)
 */
public record FollowerConfig(List<Path> repos, List<String> globs, Duration rescanInterval, boolean useEvents,
                             Duration debounce) {

    public FollowerConfig {
        repos = List.copyOf(Objects.requireNonNull(repos, "repos"));
        globs = List.copyOf(Objects.requireNonNull(globs, "globs"));
        Objects.requireNonNull(rescanInterval, "rescanInterval");
        Objects.requireNonNull(debounce, "debounce");
        if (repos.isEmpty() && globs.isEmpty()) {
            throw new IllegalArgumentException("follower config needs at least one repository in 'repos' or pattern in"
                    + " 'globs'");
        }
        if (rescanInterval.isNegative() || rescanInterval.isZero()) {
            throw new IllegalArgumentException("rescanInterval must be positive, is " + rescanInterval);
        }
        if (debounce.isNegative()) {
            throw new IllegalArgumentException("debounce must not be negative, is " + debounce);
        }
        for (String glob : globs) {
            if (glob.isBlank()) {
                throw new IllegalArgumentException("globs contains an empty pattern");
            }
        }
    }
}
