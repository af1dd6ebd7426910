package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.batchpipeline.record.FlushReason;
import io.batchpipeline.support.Databases;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline, file to a real PostgreSQL, in insert and upsert mode. */
class PostgresPipelineTest {

    @TempDir
    Path dir;

    @BeforeEach
    void dropTable() throws Exception {
        Databases.execute(url(), "postgres", "", "DROP TABLE IF EXISTS orders");
    }

    @Test
    void theShippedSampleLoadsInInsertMode() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start(settings("insert"))) {
            SampleData.copyInto(dir.resolve("input"), Path.of("samples/orders.csv"));

            await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().rowsWritten() == 10_000);
            assertThat(pipeline.stats().recordsRejected()).isZero();
        }
        assertThat(count("SELECT COUNT(*) FROM orders")).isEqualTo(10_000);
        // the sample's note with a line break inside quotes survives as one value
        assertThat(count("SELECT COUNT(*) FROM orders WHERE note = E'two lines:\\nfirst, then second'")).isPositive();
    }

    @Test
    void upsertTwiceOverOverlappingFilesLeavesOneRowPerKey() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start(settings("upsert"))) {
            SampleData.writeCsv(dir.resolve("input"), "first.csv", 1, 3000);
            await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().rowsWritten() == 3000);
            SampleData.writeCsv(dir.resolve("input"), "second.csv", 2001, 5000);
            await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().rowsWritten() == 6000);
            assertThat(pipeline.stats().batches(FlushReason.SIZE)).isPositive();
        }
        assertThat(count("SELECT COUNT(*) FROM orders")).isEqualTo(5000);
        assertThat(count("SELECT COUNT(DISTINCT id) FROM orders")).isEqualTo(5000);
    }

    private Map<String, String> settings(String mode) {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("sink.jdbc.url", url());
        settings.put("sink.jdbc.username", "postgres");
        settings.put("sink.jdbc.mode", mode);
        return settings;
    }

    private static String url() {
        return TestPostgres.url();
    }

    private static long count(String sql) throws Exception {
        return Databases.count(url(), "postgres", "", sql);
    }
}
