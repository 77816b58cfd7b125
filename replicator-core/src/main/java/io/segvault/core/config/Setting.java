package io.segvault.core.config;

/**
 * One key of the agent's YAML file: its dotted name, type, default (null = required or absent), documentation and the
 * check its value must pass. {@link AgentConfigLoader} validates against these and {@link ConfigDocs} renders
 * docs/configuration.md from them, so code and docs cannot drift.
 *
 * @param key          dotted key, e.g. {@code upload.partSize}
 * @param type         value type
 * @param defaultValue default as written in YAML; null when the key has no default
 * @param required     whether the key must be given
 * @param doc          one or two sentences for the docs
 * @param check        what a value of the right type must also satisfy ({@link Check#ANY}: nothing)
 */
public record Setting(String key, Type type, String defaultValue, boolean required, String doc, Check check) {

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

    /** This setting, whose values must also pass {@code c}. */
    public Setting checked(Check c) {
        return new Setting(key, type, defaultValue, required, doc, c);
    }

    /**
     * A rule on a value of the setting's type (Integer, Long for sizes, Double, Duration, String), checked by the
     * loader once the value has its type.
     */
    @FunctionalInterface
    public interface Check {

        Check ANY = v -> null;

        /** What is wrong with {@code value}, worded to follow the quoted key ("must be ..."); null when it is fine. */
        String problem(Object value);
    }
}
