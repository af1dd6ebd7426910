package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything shipped in routes/, YAML and XML, loads with the default configuration and runs. */
class RoutesTest {

    @TempDir
    Path dir;

    @Test
    void theYamlAndXmlRoutesInTheRoutesFolderLoadAndRun() throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.remove("camel.main.routes-include-pattern"); // as shipped: every file under routes/
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            assertThat(pipeline.context().getRoutes()).extracting(r -> r.getRouteId())
                    .containsExactlyInAnyOrder("default-pipeline", "example-csv-to-ndjson", "example-jsonl-to-csv");

            Path examples = dir.resolve("examples");
            SampleData.writeCsv(dir.resolve("input"), "orders.csv", 1, 700);
            SampleData.writeCsv(examples.resolve("csv-to-ndjson/input"), "orders.csv", 1, 1200);
            SampleData.writeFile(examples.resolve("jsonl-to-csv/input"), "customers.jsonl",
                    "{\"id\":1,\"customer_name\":\"Ann\",\"amount\":1.5}\n{\"id\":2,\"customer_name\":\"Bob\",\"amount\":2}\n");

            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats("default-pipeline").rowsWritten() == 700
                    && pipeline.stats("example-csv-to-ndjson").rowsWritten() == 1200
                    && pipeline.stats("example-jsonl-to-csv").rowsWritten() == 2);

            List<Path> ndjson = files(examples.resolve("csv-to-ndjson/output"));
            assertThat(ndjson).hasSize(3).allSatisfy(f -> assertThat(f.toString()).endsWith(".ndjson"));
            assertThat(ndjson.stream().mapToLong(RoutesTest::lines).sum()).isEqualTo(1200);

            List<Path> csv = files(examples.resolve("jsonl-to-csv/output"));
            assertThat(csv).hasSize(1);
            assertThat(Files.readAllLines(csv.get(0))).containsExactly("id,customer,amount", "1,Ann,1.5", "2,Bob,2");
        }
    }

    private static List<Path> files(Path folder) throws Exception {
        try (Stream<Path> all = Files.list(folder)) {
            return all.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    private static long lines(Path file) {
        try {
            return Files.readAllLines(file).size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
