package io.segvault.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.segvault.core.config.AgentConfig;
import io.segvault.core.config.AgentConfigLoader;
import io.segvault.core.config.ConfigSchema;
import io.segvault.core.config.Setting;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * packaging/agent.yaml.example names exactly the keys of {@link ConfigSchema} (each with a comment), and the
 * agent's own loader accepts it.
 */
class AgentYamlExampleTest {

    private static final String EXAMPLE = "packaging/agent.yaml.example";
    private static final Pattern KEY_LINE = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9]*):(.*)$");

    @Test
    void sets_every_key_of_the_schema_and_no_other() throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(ProjectFiles.read(EXAMPLE));
        Map<String, JsonNode> keys = new LinkedHashMap<>();
        flatten("", root, keys);

        assertThat(keys.keySet()).as("keys of " + EXAMPLE).containsExactlyInAnyOrderElementsOf(ConfigSchema.byKey().keySet());
    }

    @Test
    void values_are_the_schema_defaults_where_it_has_one() throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(ProjectFiles.read(EXAMPLE));
        Map<String, JsonNode> keys = new LinkedHashMap<>();
        flatten("", root, keys);
        List<String> differ = new ArrayList<>();
        for (Setting s : ConfigSchema.SETTINGS) {
            JsonNode v = keys.get(s.key());
            if (s.defaultValue() != null && v != null && !v.asText().equals(s.defaultValue())) {
                differ.add(s.key() + ": example " + v.asText() + ", default " + s.defaultValue());
            }
        }
        // the example chooses a prefix (the Terraform IAM module needs one); everything else shows the default
        assertThat(differ).containsExactly("prefix: example borg/, default ");
    }

    @Test
    void every_key_has_a_comment_line_right_above_it() {
        List<String> lines = ProjectFiles.read(EXAMPLE).lines().toList();
        Deque<String[]> parents = new ArrayDeque<>(); // {indent, dotted path}
        List<String> undocumented = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = KEY_LINE.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            int indent = m.group(1).length();
            while (!parents.isEmpty() && Integer.parseInt(parents.peek()[0]) >= indent) {
                parents.pop();
            }
            String path = parents.isEmpty() ? m.group(2) : parents.peek()[1] + "." + m.group(2);
            if (ConfigSchema.byKey().containsKey(path)) {
                seen.add(path);
                if (!previousNonBlank(lines, i).strip().startsWith("#")) {
                    undocumented.add(path + " (line " + (i + 1) + ")");
                }
            } else {
                parents.push(new String[] {Integer.toString(indent), path});
            }
        }
        assertThat(seen).as("keys found line by line").hasSameSizeAs(ConfigSchema.SETTINGS);
        assertThat(undocumented).as("keys without a comment right above them").isEmpty();
    }

    @Test
    void the_agents_loader_accepts_it_as_written() {
        AgentConfig c = AgentConfigLoader.load(ProjectFiles.file(EXAMPLE));

        assertThat(c.store().bucket()).isEqualTo("acme-borg-vault");
        assertThat(c.store().endpoint()).isNull();
        assertThat(c.store().prefix()).isEqualTo("borg/");
        assertThat(c.globs()).containsExactly("/srv/borg-repos/*");
        assertThat(c.state()).isEqualTo(Path.of("/var/lib/segvault"));
        assertThat(c.retention().duration()).isEqualTo(Duration.ofDays(30));
        assertThat(c.retention().generation()).isEqualTo(Duration.ofDays(10));
        assertThat(c.metricsAddress()).isEqualTo("127.0.0.1:9754");
        assertThat(c.audit().enabled()).isFalse();
        assertThat(c.drill().enabled()).isFalse();
        assertThat(c.drill().scratch()).isNull();
    }

    /** The same flattening as the agent's loader: a mapping under a name that is not a key is a section. */
    private static void flatten(String path, JsonNode node, Map<String, JsonNode> out) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (e.getValue().isObject() && !ConfigSchema.byKey().containsKey(key)) {
                flatten(key, e.getValue(), out);
            } else {
                out.put(key, e.getValue());
            }
        }
    }

    private static String previousNonBlank(List<String> lines, int index) {
        for (int j = index - 1; j >= 0; j--) {
            if (!lines.get(j).isBlank()) {
                return lines.get(j);
            }
        }
        return "";
    }
}
