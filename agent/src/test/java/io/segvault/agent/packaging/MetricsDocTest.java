package io.segvault.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.segvault.core.metrics.Meters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md's table matches {@link Meters}: the same names in the same order, each meaning starting with the
 * registered description, the type and tags the main code uses, and the Prometheus series a real Prometheus
 * registry produces for them.
 */
public class MetricsDocTest {

    /** One row of the table. */
    public record Row(String name, List<String> series, String type, Set<String> tags, String meaning) {
    }

    private static final Pattern CALL = Pattern.compile("\\.(gauge|count|counter|time)\\(\\s*Meters\\.([A-Z_]+)\\s*,");

    private static Map<String, Row> rows;

    @BeforeAll
    static void readTable() {
        rows = table(ProjectFiles.read("docs/metrics.md"));
    }

    @Test
    void the_table_lists_every_metric_of_meters_in_order() {
        assertThat(rows.keySet()).containsExactlyElementsOf(Meters.all());
    }

    @Test
    void each_meaning_starts_with_the_registered_description() {
        rows.values().forEach(r -> assertThat(r.meaning()).as(r.name()).startsWith(Meters.describe(r.name()) + "."));
    }

    @Test
    void prometheus_series_are_what_the_registry_exports() {
        for (Row r : rows.values()) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            String[] tags = r.tags().stream().flatMap(t -> Stream.of(t, "x")).toArray(String[]::new);
            switch (r.type()) {
                case "gauge" -> Gauge.builder(r.name(), () -> 1).tags(tags).register(registry);
                case "counter" -> Counter.builder(r.name()).tags(tags).register(registry).increment();
                case "timer" -> Timer.builder(r.name()).tags(tags).register(registry).record(Duration.ofMillis(3));
                default -> throw new AssertionError(r.name() + ": type must be gauge, counter or timer, not " + r.type());
            }
            Set<String> exported = new TreeSet<>();
            Set<String> labels = new TreeSet<>();
            for (String line : registry.scrape().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList()) {
                Matcher m = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? ").matcher(line);
                assertThat(m.find()).as(line).isTrue();
                exported.add(m.group(1));
                if (m.group(3) != null) {
                    Arrays.stream(m.group(3).split(",")).map(l -> l.substring(0, l.indexOf('='))).forEach(labels::add);
                }
            }
            assertThat(new TreeSet<>(r.series())).as(r.name()).isEqualTo(exported);
            assertThat(labels).as(r.name() + " labels").isEqualTo(r.tags());
        }
    }

    @Test
    void types_and_tags_are_the_ones_the_main_code_uses() throws IOException {
        Map<String, String> constants = meterConstants();
        Map<String, Set<String>> types = new LinkedHashMap<>();
        Map<String, Set<String>> tagKeys = new LinkedHashMap<>();
        for (Path file : mainSources()) {
            String src = Files.readString(file);
            Matcher m = CALL.matcher(src);
            while (m.find()) {
                String name = constants.get(m.group(2));
                assertThat(name).as("Meters." + m.group(2) + " in " + file).isNotNull();
                types.computeIfAbsent(name, k -> new TreeSet<>()).add(m.group(1).startsWith("count") ? "counter"
                        : m.group(1).equals("time") ? "timer" : "gauge");
                tagKeys.computeIfAbsent(name, k -> new TreeSet<>()).addAll(tagKeysOf(src, m.end(), file));
            }
        }
        for (Row r : rows.values()) {
            assertThat(types.get(r.name())).as("how the main code records " + r.name()).containsExactly(r.type());
            assertThat(tagKeys.get(r.name())).as("tag keys the main code gives " + r.name()).isEqualTo(r.tags());
        }
    }

    /** The table whose header starts with "Micrometer name", row by row. */
    static Map<String, Row> table(String markdown) {
        return table(markdown, "Micrometer name");
    }

    /** The first table whose header's first cell is {@code firstHeader} (the witness's table too), row by row. */
    public static Map<String, Row> table(String markdown, String firstHeader) {
        Map<String, Row> out = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : markdown.lines().toList()) {
            if (line.startsWith("| " + firstHeader + " |")) {
                inTable = true;
            } else if (inTable && !line.startsWith("|")) {
                break;
            } else if (inTable && !line.startsWith("| ---")) {
                String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
                assertThat(cells).as(line).hasSize(5);
                Row row = new Row(unquote(cells[0]), codes(cells[1]), cells[2].strip(), new TreeSet<>(codes(cells[3])),
                        cells[4].strip());
                out.put(row.name(), row);
            }
        }
        assertThat(out).as("rows of the '" + firstHeader + "' table in docs/metrics.md").isNotEmpty();
        return out;
    }

    private static String unquote(String cell) {
        String s = cell.strip();
        assertThat(s).as("first column: a Micrometer name in backticks").matches("`[a-z.]+`");
        return s.substring(1, s.length() - 1);
    }

    private static List<String> codes(String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static Map<String, String> meterConstants() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : Meters.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    out.put(f.getName(), (String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    private static List<Path> mainSources() {
        List<Path> out = new ArrayList<>();
        for (String dir : List.of("replicator-core/src/main/java", "agent/src/main/java")) {
            try (Stream<Path> walk = Files.walk(ProjectFiles.file(dir))) {
                walk.filter(p -> p.toString().endsWith(".java") && !p.endsWith("Meters.java")).forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /**
     * Tag keys of one {@code gauge/count/time(Meters.X, value, "key", v, ...)} call whose argument list continues at
     * {@code from} (just after the name): the string literals at the key positions after the value argument.
     */
    private static List<String> tagKeysOf(String src, int from, Path file) {
        List<String> args = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (int i = from; i < src.length(); i++) {
            char c = src.charAt(i);
            if (depth == 0 && (c == ',' || c == ')')) {
                args.add(cur.toString().strip());
                cur.setLength(0);
                if (c == ')') {
                    break;
                }
                continue;
            }
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            cur.append(c);
        }
        List<String> keys = new ArrayList<>();
        for (int i = 1; i < args.size(); i += 2) {
            assertThat(args.get(i)).as("tag key literal in " + file + ": " + args).matches("\"[a-z]+\"");
            keys.add(args.get(i).substring(1, args.get(i).length() - 1));
        }
        return keys;
    }
}
