package io.batchpipeline.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchpipeline.batching.WriterPool;
import io.batchpipeline.support.Databases;
import io.batchpipeline.support.GateSink;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TcpProxy;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Nothing is lost: sources complete only once written, outages are retried, poison records are isolated. */
class DeliveryTest {

    @TempDir
    Path dir;

    @BeforeEach
    void createTable() throws Exception {
        Databases.dropDurableBuffer(url(), "postgres", "");
        Databases.execute(url(), "postgres", "", "DROP TABLE IF EXISTS orders",
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer VARCHAR(200) NOT NULL, amount NUMERIC(12,2),"
                        + " quantity INTEGER CHECK (quantity <> 13), ordered_at TIMESTAMPTZ, note VARCHAR(2000), paid BOOLEAN)");
    }

    @Test
    void aFileMovesToDoneOnlyOnceAllItsRecordsAreWritten() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start(RunningPipeline.gated(dir))) {
            GateSink sink = pipeline.bean("gateSink", GateSink.class);
            WriterPool writers = pipeline.writers("gated-pipeline");
            SampleData.writeCsv(dir.resolve("gated"), "orders.csv", 1, 20);

            // every record has been read and handed on: both batches are inside the stalled sink
            await().atMost(Duration.ofSeconds(30)).until(() -> writers.busyWriters() == 2);
            assertThat(dir.resolve("gated/orders.csv")).as("still waiting for its records to be written").exists();
            assertThat(dir.resolve("gated/.done/orders.csv")).doesNotExist();

            sink.open();

            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("gated/.done/orders.csv")));
            assertThat(sink.rows()).isEqualTo(20);
        }
    }

    @Test
    void aStopThatTimesOutWhileTheSourceWaitsForRoomLeavesTheFileInTheInputFolder() throws Exception {
        Map<String, String> settings = RunningPipeline.gated(dir);
        settings.put("gated.source", "file:" + dir.resolve("gated") + "?move=.done&moveFailed=.error&initialDelay=0&delay=50");
        settings.put("camel.main.shutdown-timeout", "2");
        RunningPipeline pipeline = RunningPipeline.start(settings);
        WriterPool writers = pipeline.writers("gated-pipeline");
        // 4 batches being written, 2 queued, one open and the source waiting to hand on the next: mid-file
        SampleData.writeCsv(dir.resolve("gated"), "orders.csv", 1, 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> writers.waitingSubmitters() == 1);

        pipeline.stop();

        assertThat(dir.resolve("gated/orders.csv")).as("kept for the next start").exists();
        assertThat(dir.resolve("gated/.error/orders.csv")).doesNotExist();
        assertThat(dir.resolve("gated/.done/orders.csv")).doesNotExist();
        assertThat(dir.resolve("gated/orders.csv.camelLock")).as("the read lock is released").doesNotExist();
    }

    @Test
    void poisonRecordsAreIsolatedAndEveryGoodRecordLands() throws Exception {
        Map<String, String> settings = settings("insert", url());
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            // quantity is id % 50: ids ending in 13 or 63 break the CHECK constraint, 2% of the rows,
            // which only the database can see: each batch of 1000 holds 20 of them
            SampleData.writeCsv(dir.resolve("input"), "orders.csv", 1, 5000);
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("input/.done/orders.csv")));
        }

        assertThat(Databases.count(url(), "postgres", "", "SELECT COUNT(*) FROM orders")).isEqualTo(4900);
        List<JsonNode> rejected = deadLetters();
        assertThat(rejected).hasSize(100);
        assertThat(rejected).allSatisfy(entry -> {
            assertThat(entry.get("record").asText()).matches("\\d*(13|63),.*");
            assertThat(entry.get("reason").asText()).startsWith("SQLSTATE 23514");
        });
    }

    /** With the default retry settings, in memory and with the durable buffer (whose appends wait out the outage too). */
    @ParameterizedTest(name = "batch.durable={0}")
    @ValueSource(booleans = {false, true})
    void aThirtySecondDatabaseOutageMidLoadLosesNothing(boolean durable) throws Exception {
        Databases.execute(url(), "postgres", "", "ALTER TABLE orders DROP CONSTRAINT orders_quantity_check");
        try (TcpProxy proxy = new TcpProxy(TestPostgres.get().getPort())) {
            Map<String, String> settings = settings("upsert", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres");
            settings.put("batch.size", "500");
            settings.put("batch.durable", Boolean.toString(durable));
            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                SampleData.writeCsv(dir.resolve("input"), "orders.csv", 1, 100_000);
                await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().rowsWritten() > 5_000);

                proxy.cut();
                long writtenAtCut = pipeline.stats().rowsWritten();
                Thread.sleep(30_000); // the outage itself
                assertThat(pipeline.stats().rowsFailed()).isZero();
                long written = pipeline.stats().rowsWritten();
                // at most the 4 writers' commits that were answered as the cut came
                assertThat(written).as("nothing is written while the database is away")
                        .isLessThanOrEqualTo(writtenAtCut + 4 * 500);
                // 4 batches retrying in the writers, 4 queued, 1 waiting to be queued, 1 open
                assertThat(pipeline.stats().recordsRead() - written).as("the source waits: memory stays bounded")
                        .isLessThanOrEqualTo((4 + 4 + 2) * 500);
                assertThat(pipeline.management("/observe/health/ready").body()).as("readiness says why")
                        .contains("\"status\":\"DOWN\"").contains("SQLSTATE 08");
                proxy.restore();

                await().atMost(Duration.ofSeconds(180)).until(() -> Files.exists(dir.resolve("input/.done/orders.csv"))
                        || Files.exists(dir.resolve("input/.error/orders.csv")));
                assertThat(dir.resolve("input/.done/orders.csv")).exists();
                assertThat(pipeline.stats().rowsFailed()).isZero();
                assertThat(pipeline.management("/observe/health/ready").statusCode()).isEqualTo(200);
            }
        }
        assertThat(Databases.count(url(), "postgres", "", "SELECT COUNT(*) FROM orders")).isEqualTo(100_000);
    }

    /** The retry budget is a third of a second here; the sink is away for far longer, twice, in two ways. */
    @Test
    void whenTheSinkIsAwayLongerThanTheRetryBudgetTheSourceWaitsAndNoRecordIsDeadLettered() throws Exception {
        Databases.execute(url(), "postgres", "", "ALTER TABLE orders DROP CONSTRAINT orders_quantity_check"); // no poison records here
        try (TcpProxy proxy = new TcpProxy(TestPostgres.get().getPort())) {
            // upsert: a commit whose acknowledgement the cut swallows is written again harmlessly
            Map<String, String> settings = settings("upsert", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres");
            settings.put("batch.size", "500");
            settings.put("sink.retry.max-attempts", "3");
            settings.put("sink.retry.initial-delay", "50");
            settings.put("sink.retry.max-delay", "200");
            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                SampleData.writeCsv(dir.resolve("input"), "first.csv", 1, 5_000);
                await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().rowsWritten() > 1_000);

                proxy.cut();
                Thread.sleep(3_000); // the outage itself: ten times the retry budget
                proxy.restore();
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("input/.done/first.csv")));

                // the table is gone for a while (SQLSTATE 42P01): not the records' fault either
                Databases.execute(url(), "postgres", "", "ALTER TABLE orders RENAME TO orders_away");
                SampleData.writeCsv(dir.resolve("input"), "second.csv", 5_001, 10_000);
                await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().recordsRead() > 5_000);
                Thread.sleep(2_000); // the writers meet the missing table, many times the retry budget
                Databases.execute(url(), "postgres", "", "ALTER TABLE orders_away RENAME TO orders");
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("input/.done/second.csv")));
                assertThat(pipeline.stats().rowsFailed()).isZero();
                assertThat(pipeline.stats().recordsRejected()).isZero();
            }
        }
        assertThat(Databases.count(url(), "postgres", "", "SELECT COUNT(*) FROM orders")).isEqualTo(10_000);
        assertThat(dir.resolve("deadletter/rejected.jsonl")).doesNotExist();
    }

    private Map<String, String> settings(String mode, String jdbcUrl) {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("sink.jdbc.url", jdbcUrl);
        settings.put("sink.jdbc.username", "postgres");
        settings.put("sink.jdbc.init-script", "");
        settings.put("sink.jdbc.mode", mode);
        return settings;
    }

    private List<JsonNode> deadLetters() throws IOException {
        return SampleData.readJsonLines(dir.resolve("deadletter/rejected.jsonl"));
    }

    private static String url() {
        return TestPostgres.url();
    }
}
