package io.segvault.core.config;

/** Renders the configuration reference (docs/configuration.md) from {@link ConfigSchema}. */
public final class ConfigDocs {

    public static final String BEGIN = "<!-- BEGIN GENERATED: io.segvault.core.config.ConfigDocs -->";
    public static final String END = "<!-- END GENERATED -->";

    private ConfigDocs() {
    }

    /** The generated table, between the BEGIN and END markers. */
    public static String table() {
        StringBuilder sb = new StringBuilder(BEGIN).append("\n\n| key | type | default | meaning |\n|---|---|---|---|\n");
        for (Setting s : ConfigSchema.SETTINGS) {
            String def = s.required() ? "**required**" : s.defaultValue() == null ? "(unset)" : "`" + s.defaultValue() + "`";
            if (!s.required() && "".equals(s.defaultValue())) {
                def = "`\"\"`";
            }
            sb.append("| `").append(s.key()).append("` | ").append(s.type().label()).append(" | ").append(def).append(" | ")
                    .append(s.doc()).append(" |\n");
        }
        return sb.append('\n').append(END).toString();
    }

    public static void main(String[] args) {
        System.out.println(table());
    }
}
