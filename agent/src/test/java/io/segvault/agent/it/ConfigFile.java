package io.segvault.agent.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.segvault.test.LockedBucket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An agent config file for one test, built key by key ({@code set("upload.partSize", "5MiB")}) and written as YAML.
 * {@link #forBucket} starts from what every test against the test bucket needs: the bucket, its endpoint, path-style
 * requests, prefix {@code borg/}, a state directory, no HTTP endpoint and a short retention (2h, generations of 1h)
 * so the locked objects the tests leave behind expire soon.
 */
public final class ConfigFile {

    public static final String PREFIX = "borg/";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, Object> root = new LinkedHashMap<>();

    /** The common settings for {@code bucket}, with the ledger and lock in {@code state}. */
    public static ConfigFile forBucket(LockedBucket bucket, Path state) {
        return new ConfigFile()
                .set("bucket", bucket.name())
                .set("endpoint", bucket.server().endpoint().toString())
                .set("region", bucket.server().region().id())
                .set("pathStyle", true)
                .set("prefix", PREFIX)
                .set("state", state.toString())
                .set("retention.duration", "2h")
                .set("retention.generation", "1h")
                .set("metrics.address", "");
    }

    /** Sets a key; dots make nested mappings, as in docs/configuration.md. */
    @SuppressWarnings("unchecked")
    public ConfigFile set(String key, Object value) {
        Map<String, Object> node = root;
        String[] parts = key.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        node.put(parts[parts.length - 1], value);
        return this;
    }

    /** {@code repos:} with the one repository {@code name} at {@code path}. */
    public ConfigFile repo(String name, Path path) {
        return set("repos", List.of(Map.of("name", name, "path", path.toString())));
    }

    /** Writes the YAML to {@code file} and returns it. */
    public Path write(Path file) {
        try {
            YAML.writeValue(file.toFile(), root);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write config " + file, e);
        }
    }
}
