package io.batchpipeline.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The packages form layers: a package uses only packages of lower layers (and its own). The record model sits
 * at the bottom, the configuration that wires everything at the top. A new package must be placed here.
 */
class LayeringTest {

    private static final String ROOT = "io.batchpipeline";

    /** Each package's layer; a package may depend only on packages of a lower number. */
    private static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry("record", 0), Map.entry("common", 0),
            Map.entry("jdbc", 1), Map.entry("sink", 1), Map.entry("source", 1), Map.entry("observability", 1), Map.entry("deadletter", 1),
            Map.entry("sink.jdbc", 2), Map.entry("sink.file", 2), Map.entry("batching", 2), Map.entry("delivery", 2),
            Map.entry("coordination", 2),
            Map.entry("buffer", 3),
            Map.entry("steps", 4),
            Map.entry("config", 5),
            Map.entry("", 6));

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void everyPackageHasALayer() {
        List<String> unplaced = CLASSES.stream().map(LayeringTest::packageOf).filter(p -> !LAYERS.containsKey(p)).distinct().toList();
        assertThat(unplaced).as("packages with no layer in LayeringTest.LAYERS").isEmpty();
    }

    @Test
    void noPackageUsesAPackageOfItsOwnLayerOrAbove() {
        TreeSet<String> upward = new TreeSet<>();
        for (JavaClass origin : CLASSES) {
            String from = packageOf(origin);
            for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                JavaClass target = dependency.getTargetClass();
                if (!target.getPackageName().startsWith(ROOT) || packageOf(target).equals(from)) {
                    continue;
                }
                String to = packageOf(target);
                if (LAYERS.getOrDefault(to, Integer.MAX_VALUE) >= LAYERS.getOrDefault(from, Integer.MIN_VALUE)) {
                    upward.add(from + " -> " + to + " (" + origin.getSimpleName() + " uses " + target.getSimpleName() + ")");
                }
            }
        }
        assertThat(upward).as("dependencies that go sideways or up").isEmpty();
    }

    @Test
    void thePackagesHaveNoCycle() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(CLASSES);
    }

    /** The package below io.batchpipeline, e.g. "sink.jdbc"; "" for the root. */
    private static String packageOf(JavaClass type) {
        String name = type.getPackageName();
        return name.equals(ROOT) ? "" : name.substring(ROOT.length() + 1);
    }
}
