package io.segvault.core.config;

/**
 * One key of the agent's YAML file: its dotted name, type, default (null = required or absent) and
 * documentation. {@link AgentConfigLoader} validates against these and {@link ConfigDocs} renders
 * docs/configuration.md from them, so code and docs cannot drift.
 *
 * @param key          dotted key, e.g. {@code upload.partSize}
 * @param type         value type
 * @param defaultValue default as written in YAML; null when the key has no default
 * @param required     whether the key must be given
 * @param doc          one or two sentences for the docs
 */
public record Setting(String key, Type type, String defaultValue, boolean required, String doc) {

    /** Value types. */
    public enum Type {
        STRING("string"), BOOLEAN("true/false"), INTEGER("integer"), NUMBER("number"), DURATION("duration (e.g. 30d, 12h, 90s)"),
        SIZE("size (e.g. 64MiB)"), URI("URL"), PATH("path"), STRINGS("list of strings"), REPOS("list of {name, path}");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
