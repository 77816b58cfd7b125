package io.segvault.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/alerts/segvault-rules.yml: every rule is complete, names only series that docs/metrics.md documents, and is
 * exercised by a firing case in the promtool unit tests beside it (which {@link PromtoolRulesTest} runs).
 */
class AlertRulesTest {

    private static final String RULES = "docs/alerts/segvault-rules.yml";
    private static final String RULE_TESTS = "docs/alerts/segvault-rules.test.yml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<JsonNode> rules;

    @BeforeAll
    static void parse() throws IOException {
        JsonNode root = YAML.readTree(ProjectFiles.read(RULES));
        rules = new ArrayList<>();
        assertThat(root.path("groups").isArray()).as("groups list").isTrue();
        for (JsonNode group : root.get("groups")) {
            assertThat(group.path("name").asText()).as("group name").isNotBlank();
            group.path("rules").forEach(rules::add);
        }
    }

    @Test
    void every_rule_has_alert_expr_for_severity_and_summary() {
        assertThat(rules).isNotEmpty();
        Set<String> names = new TreeSet<>();
        for (JsonNode r : rules) {
            String name = r.path("alert").asText();
            assertThat(name).as("alert name of " + r).matches("Segvault[A-Z][A-Za-z]+");
            assertThat(names.add(name)).as(name + " is unique").isTrue();
            assertThat(r.path("expr").asText()).as(name + " expr").isNotBlank();
            assertThat(r.path("for").asText()).as(name + " for").matches("\\d+[smhd]");
            assertThat(r.path("labels").path("severity").asText()).as(name + " labels.severity").isIn("critical", "warning");
            assertThat(r.path("annotations").path("summary").asText()).as(name + " annotations.summary").isNotBlank();
            assertThat(r.path("annotations").path("description").asText()).as(name + " annotations.description").isNotBlank();
            if (r.path("annotations").has("runbook")) {
                ProjectFiles.file(r.path("annotations").path("runbook").asText());
            }
        }
    }

    @Test
    void expressions_name_only_documented_series() {
        String doc = ProjectFiles.read("docs/metrics.md");
        Set<String> documented = new TreeSet<>();
        MetricsDocTest.table(doc).values().forEach(row -> documented.addAll(row.series()));
        Pattern metric = Pattern.compile("\\b((segvault|resilience4j)_[a-z0-9_]+)\\b");
        for (JsonNode r : rules) {
            Matcher m = metric.matcher(r.path("expr").asText());
            while (m.find()) {
                String series = m.group(1);
                if (series.startsWith("segvault_")) {
                    assertThat(documented).as(r.path("alert").asText() + " uses " + series).contains(series);
                } else {
                    assertThat(doc).as(r.path("alert").asText() + " uses " + series).contains("`" + series + "{");
                }
            }
        }
    }

    @Test
    void the_issue_s_alerts_are_all_there() {
        String exprs = String.join("\n", rules.stream().map(r -> r.path("expr").asText()).toList());
        assertThat(exprs).contains(
                "segvault_repo_lag >",                              // replication stalled
                "increase(segvault_sync_runs_total{outcome=\"ok\"}", // dead man: no successful pass
                "segvault_repo_offsite_age >",                      // dead man: offsite copy too old
                "segvault_retention_earliest - time() <",           // lock horizon too close
                "segvault_tamper_events_total",                     // any tamper event
                "resilience4j_circuitbreaker_state{state=~\"open",  // circuit breaker open
                "segvault_drill_runs_total{outcome=~\"failed|error\"}", // drill failing
                "time() - segvault_drill_last_success >",           // drill too old
                "segvault_repo_up == 0",                            // repository down
                "segvault_audit_findings{severity=\"critical\"} > 0", // audit findings above info
                "segvault_audit_findings{severity=\"warning\"} > 0",
                "up{job=\"segvault\"} == 0");                       // the agent itself
    }

    @Test
    void the_promtool_tests_make_every_alert_fire_at_least_once() throws IOException {
        JsonNode tests = YAML.readTree(ProjectFiles.read(RULE_TESTS));
        assertThat(tests.path("rule_files").get(0).asText()).isEqualTo("segvault-rules.yml");
        Set<String> fired = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (JsonNode t : tests.path("tests")) {
            for (JsonNode check : t.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? quiet : fired).add(check.path("alertname").asText());
            }
        }
        Set<String> all = new TreeSet<>(rules.stream().map(r -> r.path("alert").asText()).toList());
        assertThat(fired).as("alerts with a firing case in " + RULE_TESTS).isEqualTo(all);
        assertThat(quiet).as("alerts with a quiet case in " + RULE_TESTS).isEqualTo(all);
    }
}
