package io.segvault.core.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.Test;

class SftpRepositoriesTest {

    @Test
    void everyCipherStaysOfferedWithAesGcmFirst() {
        List<String> offered = NamedResource.getNameList(SshClient.setUpDefaultClient().getCipherFactories());

        List<String> ordered = NamedResource.getNameList(
                SftpRepositories.gcmFirst(SshClient.setUpDefaultClient().getCipherFactories()));

        assertThat(ordered).containsExactlyInAnyOrderElementsOf(offered);
        long gcm = ordered.stream().filter(n -> n.contains("-gcm@")).count();
        assertThat(gcm).isPositive();
        assertThat(ordered.subList(0, (int) gcm)).allMatch(n -> n.contains("-gcm@"));
    }

    @Test
    void readRequestsAreNotHeldBackByNagle() {
        SshClient client = SshClient.setUpDefaultClient();
        assertThat(CoreModuleProperties.TCP_NODELAY.getRequired(client)).isFalse(); // MINA's default

        SftpRepositories.tune(client);

        assertThat(CoreModuleProperties.TCP_NODELAY.getRequired(client)).isTrue();
        assertThat(NamedResource.getNameList(client.getCipherFactories()).get(0)).contains("-gcm@");
    }

    @Test
    void thePipelinedReadKeepsSeveralRequestsInFlight() {
        // MINA's read-ahead stream sends as many requests as the channel's window holds
        long window = CoreModuleProperties.WINDOW_SIZE.getRequiredDefault();
        assertThat(window / SftpRepositories.READ_REQUEST).isGreaterThanOrEqualTo(8);
        assertThat(SftpRepositories.READ_REQUEST).isLessThan(255 * 1024); // OpenSSH's cap on one read
    }
}
