package io.segvault.core.witness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.segvault.agent.packaging.MetricsDocTest;
import io.segvault.agent.packaging.MetricsDocTest.Row;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md's witness table against what {@link WitnessMetrics} really exports: every kind of value is recorded
 * (in this package, so through the same calls {@link PointWitness} makes) into a Prometheus registry, and the scrape must
 * hold exactly the documented series, with the documented labels, types and help texts. (This test lives in the agent
 * module because the Prometheus registry is the agent's dependency.)
 */
class WitnessMetricsDocTest {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? ");

    @Test
    void the_witness_table_is_what_the_witness_exports() throws IOException {
        Collection<Row> rows = MetricsDocTest.table(Files.readString(doc("docs/metrics.md"), StandardCharsets.UTF_8),
                "Witness metric").values();
        String scrape = scrapeOfEveryMetric();

        Map<String, Set<String>> labels = new TreeMap<>();
        Map<String, String> help = new TreeMap<>();
        Map<String, String> types = new TreeMap<>();
        for (String line : scrape.lines().filter(l -> !l.isBlank()).toList()) {
            if (line.startsWith("# HELP ")) {
                String[] f = line.substring(7).split(" ", 2);
                help.put(f[0], f.length > 1 ? f[1] : "");
            } else if (line.startsWith("# TYPE ")) {
                String[] f = line.substring(7).split(" ", 2);
                types.put(f[0], f[1]);
            } else if (!line.startsWith("#")) {
                Matcher m = SAMPLE.matcher(line);
                assertThat(m.find()).as(line).isTrue();
                Set<String> names = labels.computeIfAbsent(m.group(1), k -> new TreeSet<>());
                if (m.group(3) != null) {
                    for (String l : m.group(3).split(",")) {
                        names.add(l.substring(0, l.indexOf('=')));
                    }
                }
            }
        }

        Set<String> documented = new TreeSet<>();
        rows.forEach(r -> documented.addAll(r.series()));
        assertThat(labels.keySet()).as("series the witness exports").isEqualTo(documented);
        for (Row r : rows) {
            for (String series : r.series()) {
                assertThat(labels.get(series)).as(series + " labels").isEqualTo(r.tags());
                String family = help.containsKey(series) ? series : series.replaceFirst("_total$", "");
                assertThat(help).as("# HELP of " + series).containsKey(family);
                assertThat(r.meaning()).as(r.name()).startsWith(help.get(family) + ".");
                assertThat(types.get(family)).as("# TYPE of " + series).isEqualTo(r.type());
            }
            assertThat(r.series().get(0)).as(r.name()).startsWith(r.name().replace('.', '_'));
        }
    }

    /** A registry in which every metric of {@link WitnessMetrics} has a value. */
    private static String scrapeOfEveryMetric() {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        WitnessMetrics m = new WitnessMetrics(registry, Clock.fixed(now, ZoneOffset.UTC), Duration.ofDays(7));
        m.watch("prod");
        m.newestPoint("prod", now.minusSeconds(60));
        m.attested("prod", now.minusSeconds(120), now.plus(Duration.ofDays(30)));
        m.refused("prod", "fork");
        m.readBack("prod", 4096);
        m.drill("prod", true, now);
        m.foreign("prod", 2);
        m.passCompleted(now);
        return registry.scrape();
    }

    /** A file of the checkout: the working directory is the module's (Maven) or the root's (an IDE). */
    private static Path doc(String relative) {
        Map<String, Path> tried = new LinkedHashMap<>();
        for (Path base : new Path[] {Path.of(".."), Path.of(".")}) {
            Path p = base.resolve(relative);
            tried.put(p.toAbsolutePath().normalize().toString(), p);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException(relative + " not found; tried " + tried.keySet());
    }
}
