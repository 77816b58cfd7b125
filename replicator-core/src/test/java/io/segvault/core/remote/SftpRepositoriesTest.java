package io.segvault.core.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.Test;

class SftpRepositoriesTest {

    /** SFTP's header of a data response: length, type, request id, data length. */
    private static final int SFTP_DATA_HEADER = 4 + 1 + 4 + 4;
    /** SSH's packet length, padding length, channel-data message type, channel id and data length. */
    private static final int SSH_CHANNEL_DATA_HEADER = 4 + 1 + 1 + 4 + 4;
    /** The largest whole SSH packet MINA's decoder (and OpenSSH) accept; padding of up to 255 bytes comes on top. */
    private static final int SSH_PACKET_LIMIT = 256 * 1024;

    @Test
    void tuneOffersEveryCipherWithAesGcmFirst() {
        SshClient client = SshClient.setUpDefaultClient();
        List<String> before = NamedResource.getNameList(client.getCipherFactories());

        SftpRepositories.tune(client);

        List<String> after = NamedResource.getNameList(client.getCipherFactories());
        assertThat(after).containsExactlyInAnyOrderElementsOf(before);
        long gcm = after.stream().filter(n -> n.contains("-gcm@")).count();
        assertThat(gcm).isPositive();
        assertThat(after.subList(0, (int) gcm)).allMatch(n -> n.contains("-gcm@"));
    }

    @Test
    void tuneAnnouncesLargerChannelPacketsThanMinasDefault() {
        SshClient client = SshClient.setUpDefaultClient();
        long minaDefault = CoreModuleProperties.MAX_PACKET_SIZE.getRequired(client);

        SftpRepositories.tune(client);

        long announced = CoreModuleProperties.MAX_PACKET_SIZE.getRequired(client);
        assertThat(announced).isEqualTo(SftpRepositories.MAX_PACKET).isGreaterThan(minaDefault);
        assertThat(announced + SSH_CHANNEL_DATA_HEADER + 255 + 16).isLessThanOrEqualTo(SSH_PACKET_LIMIT);
    }

    @Test
    void oneReadResponseFitsOneChannelPacket() {
        assertThat(SftpRepositories.READ_REQUEST + SFTP_DATA_HEADER).isLessThanOrEqualTo(SftpRepositories.MAX_PACKET);
        // the pipelined read keeps the channel's window full of requests: several must fit in MINA's 2 MiB
        long window = CoreModuleProperties.WINDOW_SIZE.getRequiredDefault();
        assertThat(window / SftpRepositories.READ_REQUEST).isGreaterThanOrEqualTo(8);
    }
}
