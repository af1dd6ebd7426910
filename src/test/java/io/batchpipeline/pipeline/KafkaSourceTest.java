package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchpipeline.support.Databases;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TcpProxy;
import io.batchpipeline.support.TestKafka;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka as a source, on a real broker started in this JVM: records of many messages share a batch, and the group's
 * offsets move past a record only once it is written or dead-lettered.
 */
class KafkaSourceTest {

    @TempDir
    Path dir;

    private final String topic = "orders-" + System.nanoTime();
    private final String group = topic + "-loader";

    @Test
    void everyMessageIsWrittenInSharedBatchesAndTheGroupCommitsPastIt() throws Exception {
        TestKafka.createTopic(topic, 3);
        TestKafka.send(topic, 1, 20_000, SampleData::jsonLine);
        Map<String, String> settings = kafka(RunningPipeline.defaults(dir));
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            await().atMost(Duration.ofSeconds(120)).until(() -> pipeline.stats().rowsWritten() == 20_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> TestKafka.lag(topic, group) == 0);

            assertThat(Databases.count(settings.get("sink.jdbc.url"), "sa", "", "SELECT COUNT(DISTINCT id) FROM orders")).isEqualTo(20_000);
            assertThat(pipeline.stats().batches(io.batchpipeline.record.FlushReason.SIZE)).as("batches of 1,000 messages").isGreaterThanOrEqualTo(15);
        }
    }

    @Test
    void aMessageThatCannotBeReadIsDeadLetteredWithItsTopicPartitionAndOffsetAndTheOffsetMovesOn() throws Exception {
        TestKafka.createTopic(topic, 1);
        TestKafka.send(topic, 1, 3, id -> id == 2 ? "not json" : SampleData.jsonLine(id));
        Map<String, String> settings = kafka(RunningPipeline.defaults(dir));
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().rowsWritten() == 2 && pipeline.stats().recordsRejected() == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> TestKafka.lag(topic, group) == 0);
        }
        List<JsonNode> rejected = SampleData.readJsonLines(dir.resolve("deadletter/rejected.jsonl"));
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).get("source").asText()).contains(topic + "-0@1");
        assertThat(rejected.get(0).get("reason").asText()).contains("not JSON lines");
    }

    @Test
    void aGracefulStopWritesTheOpenBatchAndCommitsItBeforeTheConsumerLeaves() throws Exception {
        TestKafka.createTopic(topic, 2);
        TestKafka.send(topic, 1, 500, SampleData::jsonLine);
        Map<String, String> settings = kafka(RunningPipeline.defaults(dir));
        settings.put("batch.timeout", "600000"); // only the stop closes the batch
        // the consumer commits after each poll; a long poll leaves the stop no chance to commit unless it waits for it
        settings.put("source.uri", settings.get("source.uri") + "&pollTimeoutMs=3000");
        RunningPipeline pipeline = RunningPipeline.start(settings);
        await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().recordsRead() == 500);
        assertThat(TestKafka.lag(topic, group)).as("nothing committed while the batch is open").isEqualTo(500);

        pipeline.stop();

        assertThat(Databases.count(settings.get("sink.jdbc.url"), "sa", "", "SELECT COUNT(*) FROM orders")).isEqualTo(500);
        assertThat(TestKafka.lag(topic, group)).isZero();
    }

    /** However long the database is away, nothing is committed past what is written, and all of it arrives once it is back. */
    @Test
    void aDatabaseOutageCommitsNothingAndLosesNothing() throws Exception {
        String table = topic.replace('-', '_');
        Databases.recreateOrdersTable(table, true);
        TestKafka.createTopic(topic, 2);
        try (TcpProxy proxy = new TcpProxy(TestPostgres.get().getPort())) {
            Map<String, String> settings = kafka(RunningPipeline.defaults(dir));
            settings.put("sink.jdbc.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres");
            settings.put("sink.jdbc.username", "postgres");
            settings.put("sink.jdbc.table", table);
            settings.put("sink.jdbc.init-script", "");
            settings.put("sink.retry.max-attempts", "2");
            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                proxy.cut();
                TestKafka.send(topic, 1, 5_000, SampleData::jsonLine);
                await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.management("/observe/health/ready").body().contains("SQLSTATE 08"));
                assertThat(TestKafka.lag(topic, group)).as("nothing committed while nothing is written").isEqualTo(5_000);

                proxy.restore();
                await().atMost(Duration.ofSeconds(120)).until(() -> TestKafka.lag(topic, group) == 0);
                assertThat(Databases.count(TestPostgres.url(), "postgres", "", "SELECT COUNT(*) FROM " + table)).isEqualTo(5_000);
            }
        } finally {
            Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS " + table);
        }
    }

    @Test
    void aSourceWithoutAConsumerGroupIsRefusedSayingWhy() {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.uri", "kafka:" + topic + "?brokers=" + TestKafka.bootstrapServers());

        assertThatThrownBy(() -> RunningPipeline.start(settings).close())
                .hasStackTraceContaining("source.uri").hasStackTraceContaining("groupId");
    }

    private Map<String, String> kafka(Map<String, String> settings) {
        settings.put("source.uri", "kafka:" + topic + "?brokers=" + TestKafka.bootstrapServers() + "&groupId=" + group);
        settings.put("source.format", "jsonl");
        return settings;
    }
}
