package io.batchpipeline.batching;

import static io.batchpipeline.support.SampleData.jsonLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.batchpipeline.observability.PipelineStats;
import io.batchpipeline.record.FlushReason;
import io.batchpipeline.support.Databases;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import org.apache.camel.ProducerTemplate;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How batches close: on size, on their deadline, and on a graceful stop. */
class BatchingTest {

    @TempDir
    Path dir;

    @Test
    void batchesHoldExactlyBatchSizeRecordsAndTheRemainderClosesOnTimeout() throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("sink.type", "file");
        settings.put("batch.size", "100");
        settings.put("batch.timeout", "300");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeCsv(dir.resolve("input"), "orders.csv", 1, 1050);

            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 1050);

            assertThat(recordsPerFile(dir.resolve("output"))).containsExactlyInAnyOrder(100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 50);
            assertThat(pipeline.stats().batches(FlushReason.SIZE)).isEqualTo(10);
            assertThat(pipeline.stats().batches(FlushReason.TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void aBatchAlsoClosesOnceItsRecordsTextReachesBatchMaxBytes() throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("sink.type", "file");
        settings.put("batch.size", "1000");
        settings.put("batch.max-bytes", "1000");
        settings.put("batch.timeout", "300");
        StringBuilder csv = new StringBuilder(SampleData.HEADER).append('\n');
        for (int id = 1; id <= 95; id++) {
            String line = SampleData.csvLine(id);
            csv.append(line.replace(",\"note", ",\"" + "n".repeat(100 - line.length()) + "note")).append('\n'); // 100 characters each
        }
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeFile(dir.resolve("input"), "wide.csv", csv.toString());

            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 95);

            assertThat(recordsPerFile(dir.resolve("output"))).containsExactlyInAnyOrder(10, 10, 10, 10, 10, 10, 10, 10, 10, 5);
            assertThat(pipeline.stats().batches(FlushReason.SIZE)).isEqualTo(9);
            assertThat(pipeline.stats().batches(FlushReason.TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void underASteadyTrickleBatchesStillCloseAtTheirMaximumAge() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start(trickleSettings("max-age", 200))) {
            long writtenBeforeLastRecord = trickle(pipeline, 60, 25);

            // records arrive every 25 ms, far more often than the 200 ms timeout, and never fill a batch:
            // only a deadline fixed when the batch opened can close batches while the trickle goes on
            assertThat(writtenBeforeLastRecord).as("batches closed during a 1.5 s trickle").isGreaterThanOrEqualTo(3);
            await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.stats().rowsWritten() == 60);
            assertThat(pipeline.stats().batches(FlushReason.SIZE)).isZero();
        }
    }

    @Test
    void inInactivityModeATrickleKeepsTheBatchOpenUntilItPauses() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start(trickleSettings("inactivity", 1000))) {
            long writtenBeforeLastRecord = trickle(pipeline, 40, 20);

            assertThat(writtenBeforeLastRecord).as("batches closed during the trickle").isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.stats().rowsWritten() == 40);
            assertThat(pipeline.stats().batches(FlushReason.TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void aPartialBatchLandsAfterTheTimeout() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start(trickleSettings("max-age", 300))) {
            ProducerTemplate producer = pipeline.producer();
            for (long id = 1; id <= 5; id++) {
                producer.sendBody("direct:records", jsonLine(id));
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> rowsInOrders() == 5);
            assertThat(pipeline.stats().batches(FlushReason.TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void aGracefulStopWritesEveryRecordStillWaitingInAnOpenBatch() throws Exception {
        RunningPipeline pipeline = RunningPipeline.start(trickleSettings("max-age", 600_000));
        ProducerTemplate producer = pipeline.producer();
        for (long id = 1; id <= 250; id++) {
            producer.sendBody("direct:records", jsonLine(id));
        }
        PipelineStats stats = pipeline.stats();
        assertThat(stats.rowsWritten()).as("nothing can close the batch before the stop").isZero();

        pipeline.stop();

        assertThat(rowsInOrders()).isEqualTo(250);
        assertThat(stats.batches(FlushReason.STOP)).isEqualTo(1);
    }

    /** A message source: each message is one JSON line, as from a bus. */
    private Map<String, String> trickleSettings(String mode, long timeoutMillis) {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.uri", "direct:records");
        settings.put("source.format", "jsonl");
        settings.put("batch.size", "1000");
        settings.put("batch.timeout", Long.toString(timeoutMillis));
        settings.put("batch.timeout-mode", mode);
        return settings;
    }

    /** Sends records with a pause between them; returns the batches written before the last one was sent. */
    private static long trickle(RunningPipeline pipeline, int records, long pauseMillis) throws InterruptedException {
        ProducerTemplate producer = pipeline.producer();
        long written = 0;
        for (long id = 1; id <= records; id++) {
            written = pipeline.stats().batches(FlushReason.TIMEOUT);
            producer.sendBody("direct:records", jsonLine(id));
            Thread.sleep(pauseMillis); // paces the source; the assertions wait on counters, not on time
        }
        return written;
    }

    private long rowsInOrders() throws Exception {
        return Databases.count(RunningPipeline.defaults(dir).get("sink.jdbc.url"), "sa", "", "select count(*) from orders");
    }

    static List<Integer> recordsPerFile(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> !f.getFileName().toString().startsWith(".")).map(BatchingTest::csvRecords).toList();
        }
    }

    private static int csvRecords(Path file) {
        try (Reader in = Files.newBufferedReader(file);
             CSVParser parser = CSVParser.parse(in, CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
            return parser.getRecords().size();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
