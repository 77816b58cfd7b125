package io.segvault.agent.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.agent.cli.StoreOptions;
import java.net.URI;
import java.time.Clock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the wiring decides from the endpoint alone; builds the S3 client but sends no request. */
class WiringTest {

    @ParameterizedTest
    @CsvSource({
        ", true",
        "https://s3.eu-central-1.amazonaws.com, true",
        "https://bucket.vpce-0a1b2c3d-4e5f6a7b.s3.eu-central-1.vpce.amazonaws.com, true",
        "https://s3.example.net, false",
        "http://127.0.0.1:7480, false"})
    void writes_carry_if_none_match_exactly_where_the_endpoint_is_aws(String endpoint, boolean conditional) {
        StoreOptions o = new StoreOptions();
        o.bucket = "vault";
        o.endpoint = endpoint == null ? null : URI.create(endpoint);
        try (Wiring w = Wiring.forStore(o, Clock.systemUTC())) {
            // the bucket module's policy denies every AWS write without the header (require_if_none_match)
            assertThat(w.s3().conditionalWrites()).as(String.valueOf(endpoint)).isEqualTo(conditional);
        }
    }
}
