package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.batchpipeline.source.KafkaOffsets;
import io.batchpipeline.support.Databases;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TcpProxy;
import io.batchpipeline.support.TestKafka;
import io.batchpipeline.support.TestPostgres;
import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Kafka as a source, on a real broker started in this JVM: records of many messages share a batch, and the group's
 * offsets move past a record only once it is written or dead-lettered.
 */
class KafkaSourceTest {

    @TempDir
    Path dir;

    private final String topic = "orders-" + System.nanoTime();
    private final String group = topic + "-loader";
    /** The PostgreSQL table of the tests that write there, dropped after each. */
    private final String table = topic.replace('-', '_');

    @AfterEach
    void dropTable() throws Exception {
        Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS " + table);
    }

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
            long exchanges = pipeline.context().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                    .getManagedRoute("default-pipeline").getExchangesTotal();
            assertThat(exchanges).as("the records of a poll are one exchange").isLessThan(20_000 / 10);
        }
    }

    /** With the durable buffer, the records of the poll share a stored chunk, each with its own message's fields. */
    @ParameterizedTest(name = "batch.durable={0}")
    @ValueSource(booleans = {false, true})
    void aMessageThatCannotBeReadIsDeadLetteredWithItsTopicPartitionOffsetAndMetadataAndTheOffsetMovesOn(boolean durable) throws Exception {
        TestKafka.createTopic(topic, 1);
        TestKafka.send(topic, 1, 3, id -> id == 2 ? "not json" : SampleData.jsonLine(id));
        Map<String, String> settings = kafka(RunningPipeline.defaults(dir));
        settings.put("source.metadata", "partition,offset,key");
        settings.put("batch.durable", Boolean.toString(durable));
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().rowsWritten() == 2 && pipeline.stats().recordsRejected() == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> TestKafka.lag(topic, group) == 0);
        }
        List<JsonNode> rejected = SampleData.readJsonLines(dir.resolve("deadletter/rejected.jsonl"));
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).get("source").asText()).contains(topic + "-0@1");
        assertThat(rejected.get(0).get("reason").asText()).contains("not JSON lines");
        assertThat(rejected.get(0).get("message").toString()).isEqualTo("{\"partition\":0,\"offset\":1,\"key\":\"2\"}");
    }

    /** Keyed on topic, partition and offset, an upsert loads each Kafka record once, however often the topic is read. */
    @Test
    void recordsCarryTheirMessagesMetadataSoThatReadingTheTopicTwiceLoadsEachRecordOnce() throws Exception {
        TestKafka.createTopic(topic, 2);
        TestKafka.send(topic, 1, 1_000, SampleData::jsonLine, Map.of("tenant", "acme"));
        Map<String, String> settings = kafka(RunningPipeline.defaults(dir));
        settings.put("source.metadata", "topic:src_topic,partition:src_partition,offset:src_offset,key:src_key,timestamp:sent_at,header.tenant");
        settings.put("sink.jdbc.init-script", "");
        settings.put("sink.jdbc.table", "kafka_orders");
        settings.put("sink.jdbc.mode", "upsert");
        settings.put("sink.jdbc.key-columns", "src_topic,src_partition,src_offset");
        String url = settings.get("sink.jdbc.url");
        Databases.execute(url, "sa", "", "CREATE TABLE kafka_orders (src_topic VARCHAR(100), src_partition INTEGER, src_offset BIGINT,"
                + " src_key VARCHAR(20), sent_at TIMESTAMP WITH TIME ZONE NOT NULL, tenant VARCHAR(20), id BIGINT, customer VARCHAR(200),"
                + " amount NUMERIC(12, 2), quantity INTEGER, ordered_at TIMESTAMP WITH TIME ZONE, note VARCHAR(2000), paid BOOLEAN,"
                + " PRIMARY KEY (src_topic, src_partition, src_offset))");

        for (String reader : List.of(group, group + "-again")) { // a second group reads the whole topic again
            settings.put("source.uri", settings.get("source.uri").replaceAll("groupId=.*", "groupId=" + reader));
            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().rowsWritten() == 1_000);
                await().atMost(Duration.ofSeconds(30)).until(() -> TestKafka.lag(topic, reader) == 0);
            }
        }

        assertThat(Databases.count(url, "sa", "", "SELECT COUNT(*) FROM kafka_orders")).isEqualTo(1_000);
        assertThat(Databases.count(url, "sa", "", "SELECT COUNT(*) FROM kafka_orders WHERE src_topic = '" + topic
                + "' AND src_key = CAST(id AS VARCHAR(20)) AND tenant = 'acme'")).isEqualTo(1_000);
        assertThat(Databases.count(url, "sa", "", "SELECT COUNT(DISTINCT src_partition) FROM kafka_orders")).isEqualTo(2);
        assertThat(Databases.count(url, "sa", "", "SELECT COUNT(*) FROM (SELECT src_partition FROM kafka_orders GROUP BY src_partition"
                + " HAVING MIN(src_offset) = 0 AND MAX(src_offset) = COUNT(*) - 1) p")).as("offsets 0 to n-1 on each partition").isEqualTo(2);
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
        Databases.recreateOrdersTable(table, true);
        TestKafka.createTopic(topic, 2);
        try (TcpProxy proxy = new TcpProxy(TestPostgres.get().getPort())) {
            Map<String, String> settings = intoPostgres(kafka(RunningPipeline.defaults(dir)));
            settings.put("sink.jdbc.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres");
            settings.put("sink.retry.max-attempts", "2");
            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                proxy.cut();
                TestKafka.send(topic, 1, 5_000, SampleData::jsonLine);
                await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.management("/observe/health/ready").body().contains("SQLSTATE 08"));
                assertThat(TestKafka.lag(topic, group)).as("nothing committed while nothing is written").isEqualTo(5_000);

                proxy.restore();
                await().atMost(Duration.ofSeconds(120)).until(() -> TestKafka.lag(topic, group) == 0);
                assertThat(rows("COUNT(*)")).isEqualTo(5_000);
            }
        }
    }

    /** camel-kafka's consumersCount: a consumer per partition, each on its own thread, records of all in shared batches. */
    @Test
    void consumersOnSeveralThreadsWriteEveryRecordOnce() throws Exception {
        Databases.recreateOrdersTable(table, false);
        TestKafka.createTopic(topic, 3);
        TestKafka.send(topic, 1, 30_000, SampleData::jsonLine);
        Map<String, String> settings = intoPostgres(kafka(RunningPipeline.defaults(dir)));
        settings.put("source.uri", settings.get("source.uri") + "&consumersCount=3");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            await().atMost(Duration.ofSeconds(120)).until(() -> TestKafka.lag(topic, group) == 0);
            assertThat(pipeline.stats().recordsRejected()).isZero();
        }
        assertThat(rows("COUNT(*)")).isEqualTo(30_000);
        assertThat(rows("COUNT(DISTINCT id)")).isEqualTo(30_000);
    }

    /**
     * A second instance joins the group and takes a partition whose records the first has read but not yet written (its
     * batch is open): the second writes them too, and the first, stopped, writes its batch and commits what it still
     * holds, without waiting for a commit of the partition it gave up. Before, its stop waited out the shutdown timeout.
     */
    @Test
    void anInstanceThatGaveUpAPartitionStillStopsAtOnce() throws Exception {
        Databases.recreateOrdersTable(table, false);
        TestKafka.createTopic(topic, 3);
        TestKafka.send(topic, 1, 600, SampleData::jsonLine);
        Logger logger = (Logger) LoggerFactory.getLogger(KafkaOffsets.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            Map<String, String> holding = instance("first");
            holding.put("batch.timeout", "600000"); // only the stop closes its batch
            try (RunningPipeline first = RunningPipeline.start(holding)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> first.stats().recordsRead() == 600);
                try (RunningPipeline second = RunningPipeline.start(instance("second"))) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> second.stats().rowsWritten() > 0);
                    first.stop();
                    await().atMost(Duration.ofSeconds(60)).until(() -> TestKafka.lag(topic, group) == 0);
                }
            }
            assertThat(rows("COUNT(DISTINCT id)")).isEqualTo(600);
            assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).as("stopped with nothing pending")
                    .noneMatch(line -> line.startsWith("stopping with"));
        } finally {
            logger.detachAppender(log);
        }
    }

    /** One of several instances of a pipeline, writing into this test's PostgreSQL table. */
    private Map<String, String> instance(String name) {
        Map<String, String> settings = intoPostgres(kafka(RunningPipeline.defaults(dir.resolve(name))));
        settings.put("instance.name", name);
        return settings;
    }

    private long rows(String what) throws Exception {
        return Databases.count(TestPostgres.url(), "postgres", "", "SELECT " + what + " FROM " + table);
    }

    private Map<String, String> intoPostgres(Map<String, String> settings) {
        settings.put("sink.jdbc.url", TestPostgres.url());
        settings.put("sink.jdbc.username", "postgres");
        settings.put("sink.jdbc.table", table);
        settings.put("sink.jdbc.init-script", "");
        return settings;
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
