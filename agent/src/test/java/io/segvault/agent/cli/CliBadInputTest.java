package io.segvault.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.agent.it.Cli;
import io.segvault.agent.it.DirSnapshot;
import io.segvault.test.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input that needs no S3 server, through {@code Main.run}: each case checks the exit code, the one-line message
 * (what is wrong and where) and that nothing was created or changed on disk. The endpoint in these configs is a
 * closed port, so a command that got past its input checks would fail with a network error instead.
 */
class CliBadInputTest {

    private static final String CLOSED = "http://127.0.0.1:9";

    @TempDir
    Path tmp;

    private Path state() {
        return tmp.resolve("state");
    }

    /** A config that is valid apart from {@code extra} (YAML appended at the end). */
    private Path config(String extra) throws IOException {
        Path repos = Files.createDirectories(tmp.resolve("repos"));
        String yaml = "bucket: vault\nendpoint: " + CLOSED + "\npathStyle: true\nglob: " + repos + "/*\nstate: " + state() + "\n" + extra;
        return Files.writeString(tmp.resolve("agent.yaml"), yaml);
    }

    private Cli.Result refused(int exit, String... args) {
        Cli.Result r = Cli.main(args);
        assertThat(r.exit()).as(r.both()).isEqualTo(exit);
        assertThat(r.err().lines()).as("one line on stderr, no stack trace: " + r.both()).hasSize(1);
        assertThat(r.err()).startsWith("segvault " + args[0] + ": ");
        assertThat(Files.exists(state())).as("state directory created by a refused command").isFalse();
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sync", "status", "reconcile", "run", "preflight"})
    void malformed_yaml_is_refused_with_line_and_column_by_every_command_that_reads_the_config(String command) throws IOException {
        Path cfg = config("retention:\n  duration: 30d\n generation: 10d\n");
        Cli.Result r = refused(2, command, "--config", cfg.toString());
        assertThat(r.err()).contains(cfg + ": malformed YAML at line 8, column 2");
    }

    @Test
    void unknown_keys_are_named_with_the_key_they_were_probably_meant_to_be() throws IOException {
        Cli.Result r = refused(2, "sync", "--config", config("buckett: other\nupload:\n  concurency: 2\nuplaod:\n  partSize: 8MiB\n"
                + "frobnicate: yes\n").toString());
        assertThat(r.err()).contains("unknown key 'buckett' (did you mean 'bucket'?)")
                .contains("unknown key 'upload.concurency' (did you mean 'upload.concurrency'?)")
                .contains("unknown key 'uplaod.partSize' (did you mean 'upload.partSize'?)")
                .contains("unknown key 'frobnicate' (see docs/configuration.md for the keys)");
    }

    @Test
    void wrong_types_are_all_named_at_once() throws IOException {
        Cli.Result r = refused(2, "sync", "--config", config("""
                region: [eu, us]
                upload:
                  concurrency: many
                  maxBandwidth: fast
                follow:
                  events: sometimes
                  rescanInterval: 5
                tamper:
                  massFraction: lots
                metrics:
                  address: localhost
                """).toString());
        assertThat(r.err()).contains("'region' must be a string, not a list")
                .contains("'upload.concurrency' must be an integer, got 'many'")
                .contains("'upload.maxBandwidth': 'fast' is not a size")
                .contains("'follow.events' must be true or false, got 'sometimes'")
                .contains("'follow.rescanInterval' must be a duration with a unit (e.g. 30d, 12h, 90s), got '5'")
                .contains("'tamper.massFraction' must be a number, got 'lots'")
                .contains("'metrics.address' must be host:port");
    }

    @Test
    void zero_and_negative_durations_are_refused() throws IOException {
        Cli.Result r = refused(2, "run", "--config", config("""
                retention:
                  duration: 0d
                follow:
                  rescanInterval: 0s
                  debounce: -1s
                audit:
                  interval: 0m
                """).toString());
        assertThat(r.err()).contains("'retention.duration' must be positive, got 0s")
                .contains("'follow.rescanInterval' must be positive, got 0s")
                .contains("'follow.debounce': '-1s' is not a duration")
                .contains("'audit.interval' must be positive, got 0s");
    }

    @Test
    void retention_shorter_than_a_generation_names_both_keys() throws IOException {
        Cli.Result r = refused(2, "sync", "--config", config("retention:\n  duration: 1d\n  generation: 2d\n").toString());
        assertThat(r.err()).contains("'retention.duration' (1d) must not be shorter than 'retention.generation' (2d)");
    }

    @Test
    void a_missing_config_file_is_named() {
        Path missing = tmp.resolve("nope.yaml");
        Cli.Result r = refused(2, "sync", "--config", missing.toString());
        assertThat(r.err()).contains("config file " + missing + " does not exist");
    }

    @Test
    void a_grace_that_is_no_duration_is_a_usage_error_before_anything_starts() throws IOException {
        Cli.Result r = refused(2, "run", "--config", config("").toString(), "--grace", "soon");
        assertThat(r.err()).isEqualTo("segvault run: error: --grace: 'soon' is not a duration; use a number with ms, s, m, h, d or w,"
                + " e.g. 30d\n");
    }

    @Test
    void horizon_and_keep_that_are_no_durations_name_the_option_and_exit_2() {
        for (String[] bad : new String[][] {{"verify", "--horizon", "7 days"}, {"gc", "--keep", "-1d"}}) {
            Cli.Result r = refused(2, bad[0], "--repo", "r", "--bucket", "vault", "--endpoint", "http://127.0.0.1:9", bad[1], bad[2]);
            assertThat(r.err()).as(bad[0]).startsWith("segvault " + bad[0] + ": error: " + bad[1] + ": '" + bad[2]
                    + "' is not a duration").doesNotContain("Usage:").hasLineCount(1);
        }
    }

    @Test
    void restore_refuses_a_time_in_the_future_and_contradicting_flags_before_asking_the_bucket() {
        Path target = tmp.resolve("restored");
        String future = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        String[] store = {"--bucket", "vault", "--endpoint", CLOSED, "--repo", "acme", "--target", target.toString()};

        Cli.Result r = refused(2, concat(new String[] {"restore", "--before", future}, store));
        assertThat(r.err()).contains("--before " + future + " is in the future");
        r = refused(2, concat(new String[] {"restore", "--before", "yesterday"}, store));
        assertThat(r.err()).contains("--before 'yesterday' is not an ISO-8601 time");
        r = refused(2, concat(new String[] {"restore", "--before", future, "--point", "3"}, store));
        assertThat(r.err()).contains("give either --point or --before, not both");
        assertThat(target).doesNotExist();
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void a_plain_http_endpoint_on_another_host_is_refused_by_every_command_before_anything_is_done() throws IOException {
        String remote = "http://s3.example.net:7480";
        Path target = tmp.resolve("restored");
        String[] store = {"--bucket", "vault", "--endpoint", remote, "--repo", "acme"};
        String flagged = "--endpoint " + remote + " is plain HTTP to another host";
        for (String[] command : new String[][] {{"points"}, {"verify"}, {"drill"}, {"gc", "--keep", "90d"},
            {"restore", "--target", target.toString()}}) {
            Cli.Result r = refused(2, concat(command, store));
            assertThat(r.err()).as(r.both()).contains(flagged, "use https://, or give --allow-insecure-http to accept that");
        }
        assertThat(refused(2, "preflight", "--bucket", "vault", "--endpoint", remote).err()).contains(flagged);
        assertThat(tmp).as("nothing created").isEmptyDirectory();

        Path cfg = config("");
        Files.writeString(cfg, Files.readString(cfg).replace(CLOSED, remote));
        for (String command : new String[] {"sync", "status", "run", "preflight", "reconcile"}) {
            Cli.Result r = refused(2, command, "--config", cfg.toString());
            assertThat(r.err()).as(r.both()).contains(cfg + ": 'endpoint' " + remote + " is plain HTTP to another host",
                    "set 'allowInsecureHttp: true'");
        }
    }

    @Test
    void audit_of_binary_garbage_reports_each_line_and_never_crashes() throws IOException {
        Path keys = tmp.resolve("authorized_keys");
        byte[] garbage = TestData.bytes(7, 4096);
        Files.write(keys, garbage);
        Path repos = Files.createDirectories(tmp.resolve("repos"));
        Map<String, String> before = DirSnapshot.of(tmp);

        Cli.Result r = Cli.main("audit", "--authorized-keys", keys.toString(), "--repos", repos.toString());

        assertThat(r.exit()).as(r.both()).isEqualTo(3);
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("LINE_UNPARSEABLE").contains(keys + ":1 ").contains("sshd ignores this line")
                .contains("Result: FAILED");
        long lines = Arrays.stream(new String(garbage, StandardCharsets.ISO_8859_1).split("\n"))
                .filter(l -> !l.isBlank() && !l.startsWith("#")).count();
        assertThat(r.out().lines().filter(l -> l.contains("LINE_UNPARSEABLE")).count()).as("a finding per line").isEqualTo(lines);
        assertThat(DirSnapshot.of(tmp)).as("files after the audit").isEqualTo(before);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
