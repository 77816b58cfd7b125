package io.segvault.agent.wiring;

import io.segvault.core.config.AgentConfig;
import io.segvault.core.config.RepoLocator;
import io.segvault.core.remote.SftpRepositories;
import io.segvault.core.remote.SshSettings;
import java.nio.file.Path;

/**
 * Where the configured repositories are: local directories, and in pull mode {@code sftp://} repositories through
 * one SSH client ({@link SftpRepositories}), opened only when the config has one. Closing it closes the connections.
 */
public final class RepoLocations implements RepoLocator, AutoCloseable {

    private final SftpRepositories sftp;

    private RepoLocations(SftpRepositories sftp) {
        this.sftp = sftp;
    }

    /** Locations for {@code config}; loads the SSH key when the config has an {@code sftp://} repository. */
    public static RepoLocations open(AgentConfig config) {
        if (!config.pullMode()) {
            return new RepoLocations(null);
        }
        AgentConfig.Ssh ssh = config.ssh();
        return new RepoLocations(new SftpRepositories(new SshSettings(ssh.keyFile(), ssh.passphraseFile(), ssh.knownHosts(),
                ssh.connectTimeout())));
    }

    @Override
    public Path locate(String location) {
        return sftp == null ? RepoLocator.LOCAL.locate(location) : sftp.locate(location);
    }

    @Override
    public void close() {
        if (sftp != null) {
            sftp.close();
        }
    }
}
