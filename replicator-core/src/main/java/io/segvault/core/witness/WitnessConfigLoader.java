package io.segvault.core.witness;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.segvault.core.config.ConfigException;
import io.segvault.core.config.PlainHttp;
import io.segvault.core.config.Units;
import io.segvault.core.layout.BucketLayout;

/** Reads and checks witness.yaml; every problem names the file and the key, all reported at once. */
public final class WitnessConfigLoader {

    /** Every key, with its default ("" when required or none). */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("bucket", "");
        KEYS.put("endpoint", "");
        KEYS.put("region", "us-east-1");
        KEYS.put("pathStyle", "");
        KEYS.put("prefix", "");
        KEYS.put("allowInsecureHttp", "false");
        KEYS.put("key", "");
        KEYS.put("publicKey", "");
        KEYS.put("state", "");
        KEYS.put("repos", "");
        KEYS.put("interval", "5m");
        KEYS.put("horizon", "7d");
        KEYS.put("detectionWindow", "7d");
        KEYS.put("clockSkew", "5m");
        KEYS.put("readBackPerHour", "50GiB");
        KEYS.put("verdictRetention", "40d");
        KEYS.put("drill.interval", "24h");
        KEYS.put("drill.timeout", "6h");
        KEYS.put("drill.scratch", "");
        KEYS.put("metrics.address", "127.0.0.1:9465");
    }

    private static final Set<String> REQUIRED = Set.of("bucket", "key", "publicKey", "state", "repos");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path file;
    private final Map<String, JsonNode> values = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();

    private WitnessConfigLoader(Path file) {
        this.file = file;
    }

    public static WitnessConfig load(Path file) {
        return new WitnessConfigLoader(file).read();
    }

    private WitnessConfig read() {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist", e);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new ConfigException(file + ": malformed YAML" + (loc == null ? "" : " at line " + loc.getLineNr()) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file + ": the top level must be a mapping of keys (bucket, key, publicKey, state, repos, ...)");
        }
        flatten("", root);
        REQUIRED.stream().filter(k -> !values.containsKey(k)).sorted().forEach(k -> errors.add("missing required key '" + k + "'"));
        WitnessConfig c = build();
        if (!errors.isEmpty()) {
            throw new ConfigException(file + ": " + String.join("; ", errors));
        }
        return c;
    }

    private void flatten(String path, JsonNode node) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (e.getValue().isObject() && !KEYS.containsKey(key)) {
                flatten(key, e.getValue());
            } else if (!KEYS.containsKey(key)) {
                errors.add("unknown key '" + key + "' (known: " + String.join(", ", KEYS.keySet()) + ")");
            } else {
                values.put(key, e.getValue());
            }
        }
    }

    private WitnessConfig build() {
        URI endpoint = uri(text("endpoint"));
        boolean insecure = bool("allowInsecureHttp");
        if (PlainHttp.refused(endpoint) && !insecure) {
            errors.add("'endpoint' " + PlainHttp.message(endpoint, "set 'allowInsecureHttp: true'"));
        }
        String prefix = text("prefix");
        try {
            new BucketLayout(prefix);
        } catch (IllegalArgumentException e) {
            errors.add("'prefix': " + e.getMessage());
        }
        Path state = path("state");
        Duration drillEvery = "off".equals(text("drill.interval")) ? null : duration("drill.interval");
        PointWitness.Settings checks = new PointWitness.Settings(duration("horizon"), duration("clockSkew"), drillEvery,
                size("readBackPerHour"), duration("verdictRetention"));
        String scratch = text("drill.scratch");
        return new WitnessConfig(text("bucket"), endpoint, text("region"), text("pathStyle").isEmpty() ? endpoint != null
                : bool("pathStyle"), prefix, insecure, path("key"), path("publicKey"), state, repos(), positive("interval"),
                text("metrics.address"), checks, duration("detectionWindow"), positive("drill.timeout"),
                scratch.isEmpty() ? state == null ? null : state.resolve("drill") : Path.of(scratch));
    }

    private String text(String key) {
        JsonNode n = values.get(key);
        if (n == null || n.isNull()) {
            return KEYS.get(key);
        }
        if (!n.isValueNode()) {
            errors.add("'" + key + "' must be a single value, not a " + (n.isArray() ? "list" : "mapping"));
            return KEYS.get(key);
        }
        return n.asText();
    }

    private boolean bool(String key) {
        String t = text(key);
        if (!t.equals("true") && !t.equals("false")) {
            errors.add("'" + key + "' must be true or false, got '" + t + "'");
        }
        return t.equals("true");
    }

    private Path path(String key) {
        String t = text(key);
        return t.isEmpty() ? null : Path.of(t);
    }

    private URI uri(String t) {
        if (t.isEmpty()) {
            return null;
        }
        try {
            URI u = new URI(t);
            if (u.getScheme() == null || u.getHost() == null) {
                throw new URISyntaxException(t, "needs a scheme and a host");
            }
            return u;
        } catch (URISyntaxException e) {
            errors.add("'endpoint' '" + t + "' is not a URL like https://s3.example.net (" + e.getReason() + ")");
            return null;
        }
    }

    private Duration duration(String key) {
        try {
            return Units.duration(text(key));
        } catch (IllegalArgumentException e) {
            errors.add("'" + key + "': " + e.getMessage());
            return Duration.ZERO;
        }
    }

    private Duration positive(String key) {
        Duration d = duration(key);
        if (d.isZero() && errors.stream().noneMatch(e -> e.startsWith("'" + key + "'"))) {
            errors.add("'" + key + "' must be longer than zero");
        }
        return d;
    }

    private long size(String key) {
        try {
            long n = Units.bytes(text(key));
            if (n <= 0) {
                errors.add("'" + key + "' must be more than zero bytes");
            }
            return n;
        } catch (IllegalArgumentException e) {
            errors.add("'" + key + "': " + e.getMessage());
            return 1;
        }
    }

    private List<String> repos() {
        JsonNode n = values.get("repos");
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray() || n.isEmpty()) {
            errors.add("'repos' must be a non-empty list of repository names");
            return out;
        }
        for (JsonNode r : n) {
            try {
                out.add(BucketLayout.checkRepoName(r.asText()));
            } catch (IllegalArgumentException e) {
                errors.add("'repos': " + e.getMessage());
            }
        }
        return out;
    }
}
