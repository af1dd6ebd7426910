package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import io.batchpipeline.support.Databases;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TcpProxy;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * batch.durable=true against a real PostgreSQL: a message is acknowledged once its records are stored, a stop
 * during an outage keeps what it could not write, and the next start writes it, exactly once.
 */
class DurablePipelineTest {

    @TempDir
    Path dir;

    @BeforeEach
    void createTable() throws Exception {
        // no key: a record written twice would show as a second row
        Databases.dropDurableBuffer(url(), "postgres", "");
        Databases.recreateOrdersTable("orders", false);
    }

    @Test
    void aStopDuringAnOutageKeepsUnwrittenRecordsAndTheNextStartWritesThemExactlyOnce() throws Exception {
        try (TcpProxy proxy = new TcpProxy(TestPostgres.get().getPort())) {
            Map<String, String> settings = settings("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres");
            settings.put("camel.main.shutdown-timeout", "3");
            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                for (int message = 0; message < 5; message++) {
                    pipeline.producer().sendBody("direct:orders", csv(message * 1000L + 1, message * 1000L + 1000));
                }
                // half a batch: it stays open, as batches close on size here
                pipeline.producer().sendBody("direct:orders", csv(5001, 5500));
                assertThat(bufferedChunks()).as("acknowledged means stored").isGreaterThanOrEqualTo(1);
                await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 5000);

                proxy.cut();
                pipeline.stop(); // flushes the open batch, whose write cannot succeed before the shutdown timeout
            }
        }
        assertThat(count("SELECT COUNT(*) FROM orders")).isEqualTo(5000);
        assertThat(bufferedChunks()).as("the unwritten batch is still stored").isEqualTo(1);

        try (RunningPipeline pipeline = RunningPipeline.start(settings(url()))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(*) FROM orders") == 5500);
            await().atMost(Duration.ofSeconds(30)).until(() -> bufferedChunks() == 0);
        }
        assertThat(count("SELECT COUNT(DISTINCT id) FROM orders")).isEqualTo(5500);
        assertThat(count("SELECT COUNT(*) FROM orders")).as("exactly once").isEqualTo(5500);
    }

    @Test
    void aFileIsDoneOnceItsRecordsAreStoredAndEveryRecordIsWrittenOnce() throws Exception {
        Map<String, String> settings = settings(url());
        settings.put("batch.timeout", "200");
        settings.put("source.uri", "file:" + dir.resolve("files") + "?move=.done&initialDelay=0&delay=50");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeCsv(dir.resolve("files"), "orders.csv", 1, 12_345);
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("files/.done/orders.csv")));
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(*) FROM orders") == 12_345);
            await().atMost(Duration.ofSeconds(30)).until(() -> bufferedChunks() == 0);
        }
        assertThat(count("SELECT COUNT(DISTINCT id) FROM orders")).isEqualTo(12_345);
    }

    @Test
    void withTheFileSinkTheBufferLivesInADatabaseOfItsOwnAndEmptiesAsBatchesAreWritten() throws Exception {
        String bufferUrl = "jdbc:h2:file:" + dir.resolve("buffer/batch-buffer");
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("sink.type", "file");
        settings.put("batch.durable", "true");
        settings.put("batch.durable.jdbc-url", bufferUrl);
        settings.put("batch.timeout", "200");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeCsv(dir.resolve("input"), "orders.csv", 1, 2_500);
            await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().rowsWritten() == 2_500);
        }
        long records = 0;
        try (var files = Files.list(dir.resolve("output"))) {
            for (Path file : files.toList()) {
                records += Files.readAllLines(file).size() - 1; // the header; the sample's notes hold no line breaks
            }
        }
        assertThat(records).isEqualTo(2_500);
        assertThat(Databases.count(bufferUrl, "", "", "SELECT COUNT(*) FROM batch_pipeline_buffer")).as("released once written").isZero();
    }

    @Test
    void aPipelineDeclaredInRoutesGetsADurableBufferOfItsOwn() throws Exception {
        Databases.execute(url(), "postgres", "", "DROP TABLE IF EXISTS events", "CREATE TABLE events (id BIGINT NOT NULL, note VARCHAR(100))");
        Map<String, String> settings = settings(url());
        settings.put("camel.main.routes-include-pattern", RunningPipeline.DEFAULT_ROUTES + ",classpath:routes/durable-events.yaml");
        settings.put("events.jdbc-url", url());
        settings.put("events.jdbc-username", "postgres");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            for (int id = 1; id <= 250; id++) {
                pipeline.producer().sendBody("direct:events", "{\"id\":" + id + ",\"note\":\"n" + id + "\"}");
            }
            assertThat(count("SELECT COUNT(*) FROM batch_pipeline_buffer WHERE pipeline = 'events'"))
                    .as("the half-full third batch is stored under the pipeline's own name").isEqualTo(50);
            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT COUNT(*) FROM events") == 200);
        }
        assertThat(count("SELECT COUNT(*) FROM events")).as("the stop flushed the rest").isEqualTo(250);
        assertThat(bufferedChunks()).isZero();
    }

    private Map<String, String> settings(String jdbcUrl) {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.uri", "direct:orders");
        settings.put("sink.jdbc.url", jdbcUrl);
        settings.put("sink.jdbc.username", "postgres");
        settings.put("sink.jdbc.init-script", "");
        settings.put("batch.durable", "true");
        settings.put("batch.durable.recovery-interval", "500");
        settings.put("batch.timeout", "600000");
        settings.put("sink.retry.initial-delay", "50");
        settings.put("sink.retry.max-delay", "200");
        settings.put("sink.retry.max-attempts", "1000");
        return settings;
    }

    private static String csv(long from, long to) {
        return SampleData.HEADER + "\n" + LongStream.rangeClosed(from, to).mapToObj(SampleData::csvLine).collect(Collectors.joining("\n"));
    }

    private static long bufferedChunks() throws Exception {
        return count("SELECT COUNT(*) FROM batch_pipeline_buffer");
    }

    private static long count(String sql) throws Exception {
        return Databases.count(url(), "postgres", "", sql);
    }

    private static String url() {
        return TestPostgres.url();
    }
}
