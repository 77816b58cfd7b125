package io.segvault.agent.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.agent.it.Cli;
import org.junit.jupiter.api.Test;

/** prove-lock's bad input, refused before any request (the endpoint is a closed port). */
class ProveLockCommandTest {

    private static final String CLOSED = "http://127.0.0.1:9";

    private static Cli.Result refused(String... args) {
        Cli.Result r = Cli.main(args);
        assertThat(r.exit()).as(r.both()).isEqualTo(2);
        assertThat(r.err().lines()).as("one line on stderr: " + r.both()).hasSize(1);
        assertThat(r.out()).as("no canary announced").isEmpty();
        return r;
    }

    @Test
    void a_retain_too_short_for_the_checks_is_refused() {
        Cli.Result r = refused("prove-lock", "--bucket", "vault", "--endpoint", CLOSED, "--retain", "1m");
        assertThat(r.err()).isEqualTo("segvault prove-lock: error: --retain: '1m' must be between 5m and 365d (the canary "
                + "stays locked that long; shorter and it could expire while the checks run)\n");
    }

    @Test
    void a_retain_that_is_no_duration_is_refused_by_preflight_too() {
        Cli.Result r = refused("preflight", "--prove-lock", "--bucket", "vault", "--endpoint", CLOSED, "--retain", "soon");
        assertThat(r.err()).startsWith("segvault preflight: error: --retain: 'soon' is not a duration");
    }

    @Test
    void a_year_and_more_is_refused() {
        Cli.Result r = refused("prove-lock", "--bucket", "vault", "--endpoint", CLOSED, "--retain", "366d");
        assertThat(r.err()).contains("'366d' must be between 5m and 365d");
    }

    @Test
    void without_a_bucket_it_says_how_to_name_one() {
        Cli.Result r = refused("prove-lock", "--endpoint", CLOSED);
        assertThat(r.err()).contains("no bucket: give --bucket");
    }
}
