package io.segvault.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.retention.RetentionPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates the agent's YAML file. Every error names the file, the key and the problem
 * (and line/column for YAML syntax errors); all problems are reported at once.
 */
public final class AgentConfigLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path file;
    private final Map<String, JsonNode> values = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();
    private final ConfigValues v = new ConfigValues(values, errors);

    private AgentConfigLoader(Path file) {
        this.file = file;
    }

    /** Loads {@code file}; throws {@link ConfigException} listing every problem. */
    public static AgentConfig load(Path file) {
        return new AgentConfigLoader(file).read();
    }

    private AgentConfig read() {
        JsonNode root = parse();
        flatten("", root);
        checkKeys();
        AgentConfig config = build();
        if (!errors.isEmpty()) {
            throw new ConfigException(file + ": " + String.join("; ", errors));
        }
        return config;
    }

    private JsonNode parse() {
        try {
            JsonNode root = YAML.readTree(Files.readAllBytes(file));
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new ConfigException(file + ": the file is empty; it needs at least 'bucket' and a repository");
            }
            if (!root.isObject()) {
                throw new ConfigException(file + ": the top level must be a mapping of keys, not a " + ConfigValues.kind(root));
            }
            return root;
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist", e);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new ConfigException(file + ": malformed YAML" + where + ": " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    private void flatten(String path, JsonNode node) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            boolean known = ConfigSchema.byKey().containsKey(key);
            if (e.getValue().isObject() && !known) {
                flatten(key, e.getValue());
            } else {
                values.put(key, e.getValue());
            }
        }
    }

    private void checkKeys() {
        Map<String, Setting> schema = ConfigSchema.byKey();
        for (String key : values.keySet()) {
            if (!schema.containsKey(key)) {
                errors.add("unknown key '" + key + "'" + suggestion(key, schema.keySet()));
            }
        }
        for (Setting s : ConfigSchema.SETTINGS) {
            if (s.required() && isAbsent(s.key())) {
                errors.add("missing required key '" + s.key() + "' (" + s.doc() + ")");
            }
        }
    }

    /** The known key with the same last part, or within two typed letters of the whole key; else where the keys are. */
    private static String suggestion(String key, Set<String> known) {
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        String leaf = lower.substring(lower.lastIndexOf('.') + 1);
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            String kl = k.toLowerCase(java.util.Locale.ROOT);
            if (kl.substring(kl.lastIndexOf('.') + 1).equals(leaf)) {
                return " (did you mean '" + k + "'?)";
            }
            int d = editDistance(lower, kl);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null ? " (did you mean '" + best + "'?)" : " (see docs/configuration.md for the keys)";
    }

    /** Levenshtein distance: letters inserted, deleted or replaced to turn {@code a} into {@code b}. */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int replace = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(replace, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private boolean isAbsent(String key) {
        JsonNode n = values.get(key);
        return n == null || n.isNull();
    }

    private AgentConfig build() {
        AgentConfig.Store store = new AgentConfig.Store(v.string("bucket"), v.uri("endpoint"), v.string("region"),
                v.bool("pathStyle"), prefix(), v.string("upload.checksum"), v.bool(PlainHttp.CONFIG_KEY));
        if (PlainHttp.refused(store.endpoint()) && !store.allowInsecureHttp()) {
            errors.add("'endpoint' " + PlainHttp.message(store.endpoint(), "set '" + PlainHttp.CONFIG_KEY + ": true'"));
        }
        List<AgentConfig.RepoSpec> repos = repos();
        List<String> globs = v.strings("glob");
        if (repos.isEmpty() && globs.isEmpty() && errors.isEmpty()) {
            errors.add("no repositories: set 'repos' (list of name + path) and/or 'glob'");
        }
        RetentionPolicy retention = retention();
        AgentConfig.Upload upload = upload();
        AgentConfig.Follow follow = new AgentConfig.Follow(v.duration("follow.rescanInterval"), v.bool("follow.events"),
                v.duration("follow.debounce"), v.duration("follow.pollInterval"));
        double mass = v.number("tamper.massFraction");
        AgentConfig.Audit audit = new AgentConfig.Audit(v.strings("audit.authorizedKeys").stream().map(Path::of).toList(),
                v.path("audit.reposDir"), v.strings("audit.pruneKeys"), v.duration("audit.interval"));
        if (audit.enabled() && audit.reposDir() == null) {
            errors.add("'audit.reposDir' is required when 'audit.authorizedKeys' is set (the directory of the repositories "
                    + "the keys may reach)");
        }
        AgentConfig.Drill drill = new AgentConfig.Drill(v.duration("drill.interval"), v.path("drill.scratch"));
        AgentConfig.Ssh ssh = ssh(repos, globs, v.path("state"));
        return new AgentConfig(store, repos, globs, v.path("state"), retention, upload, follow, mass, v.string("metrics.address"),
                v.string("log.format"), audit, drill, ssh, v.path("trust"));
    }

    /** SSH settings; with an sftp:// repository or glob, the key and known_hosts files must be set. */
    private AgentConfig.Ssh ssh(List<AgentConfig.RepoSpec> repos, List<String> globs, Path state) {
        for (String glob : globs) {
            String problem = RepoLocator.isRemote(glob) ? RepoLocator.checkRemote(glob) : null;
            if (problem != null) {
                errors.add("'glob' " + glob + ": " + problem);
            }
        }
        Path spoolDir = v.path("ssh.spoolDir");
        AgentConfig.Ssh ssh = new AgentConfig.Ssh(v.path("ssh.keyFile"), v.path("ssh.passphraseFile"), v.path("ssh.knownHosts"),
                v.duration("ssh.connectTimeout"), spoolDir != null ? spoolDir : state.resolve("spool"), v.size("ssh.spoolSize"));
        boolean remote = repos.stream().anyMatch(AgentConfig.RepoSpec::remote) || globs.stream().anyMatch(RepoLocator::isRemote);
        if (remote && ssh.keyFile() == null) {
            errors.add("'ssh.keyFile' is required with sftp:// repositories (the agent's private key)");
        }
        if (remote && ssh.knownHosts() == null) {
            errors.add("'ssh.knownHosts' is required with sftp:// repositories (host keys are always checked)");
        }
        return ssh;
    }

    private RetentionPolicy retention() {
        Duration d = v.duration("retention.duration");
        Duration g = v.duration("retention.generation");
        if (d == null || g == null) {
            return null;
        }
        if (d.compareTo(g) < 0) {
            errors.add("'retention.duration' (" + Units.format(d) + ") must not be shorter than 'retention.generation' ("
                    + Units.format(g) + "): an object must stay locked at least one generation");
            return null;
        }
        return new RetentionPolicy(d, g);
    }

    private AgentConfig.Upload upload() {
        int concurrency = v.integer("upload.concurrency");
        long partSize = v.size("upload.partSize");
        int parts = v.integer("upload.partsInFlight");
        long threshold = v.size("upload.multipartThreshold");
        if ((threshold < 1 || threshold > partSize) && errors.isEmpty()) {
            errors.add("'upload.multipartThreshold' (" + Units.formatBytes(threshold) + ") must be between 1 and 'upload.partSize' ("
                    + Units.formatBytes(partSize) + "): a single PUT is buffered in memory like one part");
        }
        return new AgentConfig.Upload(concurrency, partSize, parts, threshold, v.size("upload.maxBandwidth"),
                v.size("upload.maxIndexSize"), v.integer("upload.offsiteCacheEntries"));
    }

    private List<AgentConfig.RepoSpec> repos() {
        JsonNode node = v.raw("repos");
        List<AgentConfig.RepoSpec> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            errors.add("'repos' must be a list of {name, path}, not a " + ConfigValues.kind(node));
            return out;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode r = node.get(i);
            String where = "'repos[" + i + "]'";
            if (!r.isObject() || !r.hasNonNull("name") || !r.hasNonNull("path") || r.size() != 2) {
                errors.add(where + " must have exactly the keys 'name' and 'path'");
                continue;
            }
            String name = r.get("name").asText();
            try {
                BucketLayout.checkRepoName(name);
            } catch (IllegalArgumentException e) {
                errors.add(where + ".name: " + e.getMessage());
                continue;
            }
            if (!names.add(name)) {
                errors.add(where + ".name: repository name '" + name + "' is used twice");
            }
            String location = r.get("path").asText();
            String problem = RepoLocator.isRemote(location) ? RepoLocator.checkRemote(location) : null;
            if (problem != null) {
                errors.add(where + ".path " + location + ": " + problem);
                continue;
            }
            out.add(new AgentConfig.RepoSpec(name, location));
        }
        return out;
    }

    private String prefix() {
        String p = v.string("prefix");
        try {
            return new BucketLayout(p == null ? "" : p).prefix();
        } catch (IllegalArgumentException e) {
            errors.add("'prefix': " + e.getMessage());
            return "";
        }
    }
}
