package io.batchpipeline.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The texts made from {@link Setting}: {@code application.properties}, the README's configuration table and the
 * route template's parameter list. {@code SettingsReferenceTest} fails when a file in the repository differs;
 * {@code main} writes them: {@code java -cp target/classes io.batchpipeline.config.SettingsReference}.
 */
public final class SettingsReference {

    static final String README_START = "<!-- settings table: made by SettingsReference -->";
    static final String README_END = "<!-- end of settings table -->";
    static final String TEMPLATE_START = "    # parameters: made by io.batchpipeline.config.SettingsReference from Setting";
    static final String TEMPLATE_END = "    # end of parameters";

    private SettingsReference() {
    }

    /** application.properties: every key with its default, under its description. */
    public static String applicationProperties() {
        StringBuilder text = new StringBuilder("""
                # batch-pipeline configuration: every key with its default. Override any key here, with -Dkey=value, or with an
                # environment variable (upper case, dots and dashes as underscores: BATCH_SIZE, SINK_JDBC_URL).
                # Each key but the camel.main ones is also a parameter of the route template (see the README).
                """);
        Setting.Section section = null;
        for (Setting setting : Setting.values()) {
            if (setting.section() != section) {
                section = setting.section();
                text.append("\n## ").append(section.title()).append('\n');
            }
            text.append("# ").append(setting.description()).append(choices(setting)).append('\n');
            text.append(setting.key()).append(" = ").append(setting.defaultValue()).append('\n');
        }
        return text.toString();
    }

    /** The README's table: key, template parameter, default, meaning. */
    public static String readmeTable() {
        return "| key | parameter | default | meaning |\n|---|---|---|---|\n" + Arrays.stream(Setting.values())
                .map(s -> "| `" + s.key() + "` | " + (s.parameter() == null ? "" : "`" + s.parameter() + "`") + " | "
                        + (s.defaultValue().isEmpty() ? "" : "`" + s.defaultValue() + "`") + " | " + (s.description() + choices(s)).replace("|", "\\|") + " |")
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** The route template's parameters: each defaults to its application key, but the source, which every pipeline names. */
    public static String templateParameters() {
        return Arrays.stream(Setting.values()).filter(s -> s.parameter() != null).map(s -> {
            String parameter = "      - name: " + s.parameter() + "\n        description: " + quoted(s.description() + choices(s)) + "\n";
            return s.requiredParameter() ? parameter : parameter + "        defaultValue: " + quoted("{{" + s.key() + "}}") + "\n";
        }).collect(Collectors.joining());
    }

    private static String choices(Setting setting) {
        return setting.choices().isEmpty() || setting.type() == Setting.Type.BOOLEAN ? "" : " (" + String.join(", ", setting.choices()) + ")";
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The text between two marker lines of a file, markers excluded. */
    static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("markers '" + start + "' and '" + end + "' not found");
        }
        return text.substring(text.indexOf('\n', from) + 1, to);
    }

    /** Rewrites the three files in the repository at {@code args[0]} (default: the working directory). */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        Files.writeString(root.resolve("application.properties"), applicationProperties(), StandardCharsets.UTF_8);
        replaceBetween(root.resolve("README.md"), README_START, README_END, readmeTable());
        replaceBetween(root.resolve("routes/batch-pipeline-template.yaml"), TEMPLATE_START, TEMPLATE_END, templateParameters());
    }

    private static void replaceBetween(Path file, String start, String end, String content) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String old = between(text, start, end);
        int at = text.indexOf(start);
        int from = text.indexOf('\n', at) + 1;
        Files.writeString(file, text.substring(0, from) + content + text.substring(from + old.length()), StandardCharsets.UTF_8);
    }
}
