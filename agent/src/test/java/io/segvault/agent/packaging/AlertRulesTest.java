package io.segvault.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/alerts/segvault-rules.yml (the agent) and docs/alerts/witness-rules.yml (the witness): every rule is complete,
 * names only series that are documented (docs/metrics.md) or that the witness exports, and is exercised by a firing
 * and a quiet case in the promtool unit tests beside it (which {@link PromtoolRulesTest} runs).
 */
class AlertRulesTest {

    private static final String RULES = "docs/alerts/segvault-rules.yml";
    private static final String RULE_TESTS = "docs/alerts/segvault-rules.test.yml";
    private static final String WITNESS_RULES = "docs/alerts/witness-rules.yml";
    private static final String WITNESS_RULE_TESTS = "docs/alerts/witness-rules.test.yml";
    /** What `segvault witness` exports on /metrics (issue 16): the contract these rules are written against. */
    private static final Set<String> WITNESS_SERIES = Set.of(
        "segvault_witness_point_age_seconds", "segvault_witness_attested_age_seconds",
        "segvault_witness_points_refused_total", "segvault_witness_lock_horizon_seconds",
        "segvault_witness_detection_window_seconds", "segvault_witness_drill_success",
        "segvault_witness_drill_timestamp_seconds", "segvault_witness_foreign_objects",
        "segvault_witness_readback_bytes_total", "segvault_witness_pass_timestamp_seconds");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<JsonNode> rules;
    private static List<JsonNode> witnessRules;

    @BeforeAll
    static void parse() throws IOException {
        rules = load(RULES);
        witnessRules = load(WITNESS_RULES);
    }

    private static List<JsonNode> load(String file) throws IOException {
        JsonNode root = YAML.readTree(ProjectFiles.read(file));
        List<JsonNode> all = new ArrayList<>();
        assertThat(root.path("groups").isArray()).as(file + ": groups list").isTrue();
        for (JsonNode group : root.get("groups")) {
            assertThat(group.path("name").asText()).as(file + ": group name").isNotBlank();
            group.path("rules").forEach(all::add);
        }
        return all;
    }

    @Test
    void every_rule_has_alert_expr_for_severity_and_summary() {
        assertComplete(rules);
        assertComplete(witnessRules);
        Set<String> agent = new TreeSet<>(rules.stream().map(r -> r.path("alert").asText()).toList());
        assertThat(witnessRules).as("witness alert names differ from the agent's")
            .noneMatch(r -> agent.contains(r.path("alert").asText()));
    }

    private static void assertComplete(List<JsonNode> rules) {
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
                String runbook = r.path("annotations").path("runbook").asText();
                String file = runbook.replaceFirst("#.*", "");
                if (runbook.contains("#")) {
                    assertThat(anchors(ProjectFiles.read(file))).as(name + " runbook " + runbook)
                        .contains(runbook.substring(runbook.indexOf('#') + 1));
                } else {
                    ProjectFiles.file(file);
                }
            }
        }
    }

    /** The anchors a Markdown renderer derives from the headings: lower case, spaces to '-', punctuation dropped. */
    private static Set<String> anchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        markdown.lines().filter(l -> l.startsWith("#")).forEach(l -> anchors.add(
            l.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "")
                .replace(' ', '-')));
        return anchors;
    }

    @Test
    void witness_expressions_name_only_series_the_witness_exports_and_its_own_job() {
        Pattern metric = Pattern.compile("\\b(segvault_[a-z0-9_]+)\\b");
        Set<String> used = new TreeSet<>();
        for (JsonNode r : witnessRules) {
            String expr = r.path("expr").asText();
            Matcher m = metric.matcher(expr);
            while (m.find()) {
                used.add(m.group(1));
                assertThat(WITNESS_SERIES).as(r.path("alert").asText() + " uses " + m.group(1)).contains(m.group(1));
            }
            if (expr.contains("up{")) {
                assertThat(expr).as(r.path("alert").asText()).contains("up{job=\"segvault-witness\"}");
            }
        }
        // every exported gauge or counter that can signal trouble is watched; read-back bytes only inform
        Set<String> unwatched = new TreeSet<>(WITNESS_SERIES);
        unwatched.removeAll(used);
        assertThat(unwatched).containsExactly("segvault_witness_readback_bytes_total");
    }

    @Test
    void the_witness_alerts_of_issue_16_are_all_there() {
        String exprs = String.join("\n", witnessRules.stream().map(r -> r.path("expr").asText()).toList());
        assertThat(exprs).contains(
                "segvault_witness_point_age_seconds > 26 * 3600",            // replication stopped
                "segvault_witness_attested_age_seconds - segvault_witness_point_age_seconds >", // not attested
                "segvault_witness_lock_horizon_seconds < segvault_witness_detection_window_seconds",
                "increase(segvault_witness_points_refused_total[1h]) > 0",  // a point refused
                "segvault_witness_drill_success == 0",                       // drill failed
                "time() - segvault_witness_drill_timestamp_seconds >",       // drill too old
                "segvault_witness_foreign_objects > 0",
                "time() - segvault_witness_pass_timestamp_seconds >",        // passes stopped
                "up{job=\"segvault-witness\"} == 0",                         // witness down
                "absent(up{job=\"segvault-witness\"})");                     // witness not scraped at all
        assertThat(witnessRules).allSatisfy(r -> {
            assertThat(r.path("labels").path("severity").asText()).as(r.path("alert").asText()).isEqualTo("critical");
            assertThat(r.path("annotations").path("runbook").asText()).as(r.path("alert").asText())
                .startsWith("docs/runbooks/witness-alerts.md#");
        });
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
        assertFiresAndStaysQuiet(RULE_TESTS, "segvault-rules.yml", rules);
        assertFiresAndStaysQuiet(WITNESS_RULE_TESTS, "witness-rules.yml", witnessRules);
    }

    private static void assertFiresAndStaysQuiet(String ruleTests, String ruleFile, List<JsonNode> rules)
            throws IOException {
        JsonNode tests = YAML.readTree(ProjectFiles.read(ruleTests));
        assertThat(tests.path("rule_files").get(0).asText()).isEqualTo(ruleFile);
        Set<String> fired = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (JsonNode t : tests.path("tests")) {
            for (JsonNode check : t.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? quiet : fired).add(check.path("alertname").asText());
            }
        }
        Set<String> all = new TreeSet<>(rules.stream().map(r -> r.path("alert").asText()).toList());
        assertThat(fired).as("alerts with a firing case in " + ruleTests).isEqualTo(all);
        assertThat(quiet).as("alerts with a quiet case in " + ruleTests).isEqualTo(all);
    }
}
