package io.segvault.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlainHttpTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:7480", "http://127.9.8.7", "http://localhost:9000", "http://LocalHost",
        "http://[::1]:7480", "http://[0:0:0:0:0:0:0:1]/", "https://s3.example.net", "https://192.0.2.2:443"})
    void loopback_and_https_are_accepted(String url) {
        assertThat(PlainHttp.refused(URI.create(url))).as(url).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://192.0.2.2:7480", "http://10.0.0.1", "http://s3.example.net", "http://128.0.0.1",
        "http://localhost.example.net", "http://127.0.0.1.example.net", "http://[::2]:7480", "http://[fd00::2]",
        "HTTP://s3.example.net"})
    void plain_http_to_any_other_host_is_refused(String url) {
        assertThat(PlainHttp.refused(URI.create(url))).as(url).isTrue();
    }

    @Test
    void no_endpoint_is_aws_over_https() {
        assertThat(PlainHttp.refused(null)).isFalse();
    }

    @Test
    void the_message_names_the_endpoint_and_the_remedy_on_one_line() {
        String m = PlainHttp.message(URI.create("http://s3.example.net:7480"), "set 'allowInsecureHttp: true'");
        assertThat(m).startsWith("http://s3.example.net:7480 is plain HTTP").contains("set 'allowInsecureHttp: true'")
                .doesNotContain("\n");
    }
}
