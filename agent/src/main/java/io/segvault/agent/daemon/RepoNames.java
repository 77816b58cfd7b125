package io.segvault.agent.daemon;

import io.segvault.agent.wiring.RepoLocations;
import io.segvault.core.config.AgentConfig;
import io.segvault.core.config.RepoResolver;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The daemon's names of repositories: configured names, glob matches by directory name, and the sftp:// ones it saw. */
final class RepoNames {

    private final AgentConfig config;
    private final RepoLocations locations;
    private final Map<Path, String> remoteNames = new ConcurrentHashMap<>();

    RepoNames(AgentConfig config, RepoLocations locations) {
        this.config = config;
        this.locations = locations;
    }

    /** Repository name of a path: the configured name, or the directory name of a glob match. */
    String of(Path path) {
        String remote = remoteNames.get(path.toAbsolutePath().normalize());
        if (remote != null) {
            return remote;
        }
        for (AgentConfig.RepoSpec r : config.repos()) {
            if (!r.remote() && Path.of(r.location()).toAbsolutePath().normalize().equals(path.toAbsolutePath().normalize())) {
                return r.name();
            }
        }
        return path.getFileName().toString();
    }

    /** The sftp:// repositories now (connects, or reconnects, when needed); remembers their names. */
    Map<String, Path> remote() {
        Map<String, Path> now = RepoResolver.resolveRemote(config, locations);
        now.forEach((name, path) -> remoteNames.put(path.toAbsolutePath().normalize(), name));
        return now;
    }

    /** The sftp:// repositories seen so far, by path. */
    Map<Path, String> remoteNames() {
        return remoteNames;
    }
}
