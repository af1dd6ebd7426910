package io.batchpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Every setting is defined once, in {@link Setting}: the files a user reads are made from it and must not drift.
 * When one of these fails, run {@code java -cp target/classes io.batchpipeline.config.SettingsReference} and commit.
 */
class SettingsReferenceTest {

    private static final String FIX = "; regenerate with: java -cp target/classes io.batchpipeline.config.SettingsReference";

    @Test
    void applicationPropertiesHoldsEveryKeyWithItsDefault() throws IOException {
        assertThat(read("application.properties")).as("application.properties" + FIX).isEqualTo(SettingsReference.applicationProperties());
    }

    @Test
    void theReadmeTableListsEveryKey() throws IOException {
        String table = SettingsReference.between(read("README.md"), SettingsReference.README_START, SettingsReference.README_END);
        assertThat(table).as("the README's configuration table" + FIX).isEqualTo(SettingsReference.readmeTable());
    }

    @Test
    void theRouteTemplateHasAParameterForEveryPipelineSetting() throws IOException {
        String template = read("routes/batch-pipeline-template.yaml");
        String parameters = SettingsReference.between(template, SettingsReference.TEMPLATE_START, SettingsReference.TEMPLATE_END);
        assertThat(parameters).as("the template's parameters" + FIX).isEqualTo(SettingsReference.templateParameters());
    }

    @Test
    void noTemplateBeanSharesItsNameWithAParameter() throws IOException {
        // {{name}} in the route would resolve to the parameter, not to the bean
        Set<String> beans = names(read("routes/batch-pipeline-template.yaml").split("\n    beans:")[1]);
        assertThat(beans).isNotEmpty().doesNotContainAnyElementsOf(parameters());
    }

    @Test
    void theShippedPipelinesUseOnlyParametersTheTemplateHas() throws IOException {
        for (String route : List.of("routes/default-pipeline.yaml", "routes/examples/csv-to-ndjson.yaml", "routes/examples/jsonl-to-csv.xml")) {
            assertThat(names(read(route))).as(route).isNotEmpty().isSubsetOf(parameters());
        }
    }

    @Test
    void keysAndParametersAreUnique() {
        List<String> keys = Arrays.stream(Setting.values()).map(Setting::key).toList();
        List<String> parameters = Arrays.stream(Setting.values()).map(Setting::parameter).filter(Objects::nonNull).toList();
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(parameters).doesNotHaveDuplicates();
    }

    private static Set<String> parameters() {
        return Arrays.stream(Setting.values()).map(Setting::parameter).filter(Objects::nonNull).collect(Collectors.toSet());
    }

    /** The names in "name: x", "{ name: x, ... }" and name="x" entries. */
    private static Set<String> names(String text) {
        Matcher matcher = Pattern.compile("\\bname(?::\\s*|=\")([A-Za-z]+)").matcher(text);
        Set<String> names = new TreeSet<>();
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static String read(String file) throws IOException {
        return Files.readString(Path.of(file));
    }
}
