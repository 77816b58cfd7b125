package io.segvault.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.segvault.test.FaultProxy.Fault;
import io.segvault.test.FaultProxy.Rule;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {

    private HttpServer upstream;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", ex -> {
            byte[] body = ("echo " + ex.getRequestBody().readAllBytes().length).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        upstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.stop(0);
    }

    private URI upstreamUri() {
        return URI.create("http://127.0.0.1:" + upstream.getAddress().getPort());
    }

    private HttpResponse<String> put(FaultProxy proxy, String path, int bytes) throws Exception {
        return client.send(HttpRequest.newBuilder(proxy.endpoint().resolve(path)).timeout(Duration.ofSeconds(10))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[bytes])).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void forwards_requests_and_answers_slowdown_as_often_as_the_rule_allows() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(upstreamUri())
                .rule(Rule.of(Fault.SLOWDOWN, "UploadPart").maxFaults(2)).start()) {
            HttpResponse<String> first = put(proxy, "/b/k?partNumber=1&uploadId=u", 1000);
            HttpResponse<String> second = put(proxy, "/b/k?partNumber=1&uploadId=u", 1000);
            HttpResponse<String> third = put(proxy, "/b/k?partNumber=1&uploadId=u", 1000);
            HttpResponse<String> plain = put(proxy, "/b/k", 5);

            assertThat(first.statusCode()).isEqualTo(503);
            assertThat(first.body()).contains("<Code>SlowDown</Code>");
            assertThat(second.statusCode()).isEqualTo(503);
            assertThat(third.statusCode()).isEqualTo(200);
            assertThat(third.body()).isEqualTo("echo 1000");
            assertThat(plain.body()).isEqualTo("echo 5");
            assertThat(proxy.requests("UploadPart")).isEqualTo(3);
            assertThat(proxy.requests("PutObject")).isEqualTo(1);
            assertThat(proxy.faults(Fault.SLOWDOWN, "UploadPart")).isEqualTo(2);
        }
    }

    @Test
    void a_reset_breaks_the_request_and_per_target_bounds_let_the_retry_through() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(upstreamUri())
                .rule(Rule.of(Fault.RESET, "PutObject").maxPerTarget(1)).start()) {
            assertThatThrownBy(() -> put(proxy, "/b/reset", 200_000)).isInstanceOf(IOException.class);
            assertThat(put(proxy, "/b/reset", 200_000).body()).isEqualTo("echo 200000");
            assertThat(proxy.events()).extracting(FaultProxy.Event::fault).containsExactly(Fault.RESET);
        }
    }

    @Test
    void only_loopback_upstreams_are_accepted() {
        assertThatThrownBy(() -> FaultProxy.to(URI.create("http://192.0.2.1:80")).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> FaultProxy.to(upstreamUri()).stall(Duration.ofMinutes(5)).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bound");
    }
}
