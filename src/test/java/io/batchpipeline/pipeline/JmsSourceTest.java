package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.batchpipeline.record.FlushReason;
import io.batchpipeline.source.JmsConnection;
import io.batchpipeline.support.Databases;
import io.batchpipeline.support.GateSink;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TcpProxy;
import io.batchpipeline.support.TestArtemis;
import io.batchpipeline.support.TestPostgres;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * JMS (Artemis' own client, {@code jms:}) and AMQP 1.0 (Qpid JMS, {@code amqp:}) as sources, configured by properties
 * alone as the docs' recipes do, on a real Artemis broker started in this JVM.
 */
class JmsSourceTest {

    @TempDir
    Path dir;

    private final String queue = "orders-" + System.nanoTime();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jms", "amqp"})
    void oneRecordPerMessageFillsSharedBatchesAndABadMessageIsOneDeadLetter(String component) throws Exception {
        TestArtemis.send(queue, 1, 3_000, id -> id == 7 ? "" : SampleData.jsonLine(id));
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.format", "jsonl");
        settings.put("source.uri", component + ":queue:" + queue);
        connect(settings, component);
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            await().atMost(Duration.ofSeconds(120)).until(() -> pipeline.stats().rowsWritten() == 2_999 && pipeline.stats().recordsRejected() == 1);
            assertThat(Databases.count(settings.get("sink.jdbc.url"), "sa", "", "SELECT COUNT(DISTINCT id) FROM orders")).isEqualTo(2_999);
            assertThat(pipeline.stats().batches(FlushReason.SIZE) + pipeline.stats().batches(FlushReason.TIMEOUT))
                    .as("records of many messages share a batch").isLessThan(100);
        }
        List<JsonNode> rejected = SampleData.readJsonLines(dir.resolve("deadletter/rejected.jsonl"));
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).get("source").asText()).startsWith(component + "://queue:" + queue + " message ").contains("ID");
        assertThat(rejected.get(0).get("reason").asText()).contains("the body is empty");
        await().atMost(Duration.ofSeconds(30)).until(() -> TestArtemis.messageCount(queue) == 0);
    }

    /**
     * The consumer takes the next message while earlier ones wait for their batch, and acknowledges each once written.
     * So too after an operator stops the route alone (its JMX MBean's stop) and starts it again: the route then has a
     * new consumer and listener container, set up as the first were (a container left as Camel makes it would
     * acknowledge each message as the pipeline takes it, and a crash would lose what waits for its batch).
     */
    @ParameterizedTest(name = "{0}, route restarted: {1}")
    @CsvSource({"jms, false", "amqp, false", "jms, true", "amqp, true"})
    void aMessageIsAcknowledgedOnlyOnceItsRecordIsWritten(String component, boolean routeRestarted) throws Exception {
        Map<String, String> settings = RunningPipeline.gated(dir);
        settings.put("gated.source", component + ":queue:" + queue);
        settings.put("source.format", "jsonl");
        connect(settings, component);
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            if (routeRestarted) {
                pipeline.context().getRouteController().stopRoute("gated-pipeline");
                pipeline.context().getRouteController().startRoute("gated-pipeline");
            }
            TestArtemis.send(queue, 1, 100, SampleData::jsonLine);
            GateSink sink = pipeline.bean("gateSink", GateSink.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.maxInside() == 4); // batches of 10 records, of 10 messages
            assertThat(TestArtemis.messageCount(queue)).as("none acknowledged while no batch is written").isEqualTo(100);

            sink.open();

            await().atMost(Duration.ofSeconds(60)).until(() -> sink.rows() == 100);
            await().atMost(Duration.ofSeconds(30)).until(() -> TestArtemis.messageCount(queue) == 0);
        }
    }

    /**
     * The database away for longer than the retry budget: no message is acknowledged while its records are not written,
     * none is delivered again meanwhile, and once the database is back every record is written exactly once (the table
     * has no key, so a record written twice would show) and the queue is empty.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jms", "amqp"})
    void aDatabaseOutageLongerThanTheRetryBudgetAcknowledgesNothingUnwrittenAndLosesNothing(String component) throws Exception {
        String table = queue.replace('-', '_');
        Databases.recreateOrdersTable(table, false);
        try (TcpProxy proxy = new TcpProxy(TestPostgres.get().getPort())) {
            Map<String, String> settings = intoPostgres(component, table, "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres",
                    TestArtemis.url());
            settings.put("sink.retry.max-attempts", "2");
            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                proxy.cut();
                TestArtemis.send(queue, 1, 3_000, SampleData::jsonLine);
                await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.management("/observe/health/ready").body().contains("SQLSTATE 08"));
                // the consumer has read what the hand-off holds, and waits
                await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().recordsRead() >= 1_000);
                assertThat(TestArtemis.messageCount(queue)).as("nothing acknowledged while nothing is written").isEqualTo(3_000);

                proxy.restore();
                await().atMost(Duration.ofSeconds(120)).until(() -> TestArtemis.messageCount(queue) == 0);
                assertThat(count(table, "COUNT(*)")).isEqualTo(3_000);
                assertThat(count(table, "COUNT(DISTINCT id)")).isEqualTo(3_000);
            }
        } finally {
            Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS " + table);
        }
    }

    /**
     * A graceful stop mid-stream, as on SIGTERM, and a start again: from the moment the stop begins no message is taken
     * (each consumer thread may finish the one in hand), the messages whose records were written before were
     * acknowledged, so none comes again, and every record is written once (the table has no key). With three consumers
     * the stop once took the rest of the queue: the aggregator's own stop waited while they fed it.
     */
    @ParameterizedTest(name = "{0}, concurrentConsumers={1}")
    @CsvSource({"jms, 1", "amqp, 1", "jms, 3", "amqp, 3"})
    void stoppedMidStreamAndStartedAgainWritesEveryRecordOnce(String component, int consumers) throws Exception {
        String table = queue.replace('-', '_');
        Databases.recreateOrdersTable(table, false);
        try {
            TestArtemis.send(queue, 1, 20_000, SampleData::jsonLine);
            Map<String, String> settings = intoPostgres(component, table, TestPostgres.url(), TestArtemis.url());
            settings.put("source.uri", settings.get("source.uri") + "?concurrentConsumers=" + consumers);
            AtomicLong readWhenStopping = new AtomicLong(-1);
            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                onStopping(pipeline, () -> readWhenStopping.set(pipeline.stats().recordsRead()));
                await().atMost(Duration.ofSeconds(120)).until(() -> pipeline.stats().rowsWritten() >= 2_000);
            }
            assertThat(count(table, "COUNT(*)")).as("taken after the stop began").isBetween(readWhenStopping.get(), readWhenStopping.get() + consumers);
            assertThat(TestArtemis.messageCount(queue)).as("some left for the next start").isPositive();
            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                await().atMost(Duration.ofSeconds(120)).until(() -> TestArtemis.messageCount(queue) == 0
                        && pipeline.stats().recordsRead() == pipeline.stats().rowsWritten());
            }
            assertThat(count(table, "COUNT(DISTINCT id)")).isEqualTo(20_000);
            assertThat(count(table, "COUNT(*)")).as("none written twice").isEqualTo(20_000);
        } finally {
            Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS " + table);
        }
    }

    /** The route alone stopped mid-stream and started again, in the same context: every record written once, none lost. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jms", "amqp"})
    void theRouteStoppedAloneMidStreamAndStartedAgainWritesEveryRecordOnce(String component) throws Exception {
        String table = queue.replace('-', '_');
        Databases.recreateOrdersTable(table, false);
        try {
            TestArtemis.send(queue, 1, 20_000, SampleData::jsonLine);
            Map<String, String> settings = intoPostgres(component, table, TestPostgres.url(), TestArtemis.url());
            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                await().atMost(Duration.ofSeconds(120)).until(() -> pipeline.stats().rowsWritten() >= 2_000);
                pipeline.context().getRouteController().stopRoute("default-pipeline");
                assertThat(pipeline.stats().rowsWritten()).as("what was read is written by the stop").isEqualTo(pipeline.stats().recordsRead());
                long written = pipeline.stats().rowsWritten();
                await("what was written is acknowledged, the rest left on the queue").atMost(Duration.ofSeconds(30))
                        .until(() -> TestArtemis.messageCount(queue) == 20_000 - written);

                pipeline.context().getRouteController().startRoute("default-pipeline");
                await().atMost(Duration.ofSeconds(120)).until(() -> TestArtemis.messageCount(queue) == 0
                        && pipeline.stats().recordsRead() == pipeline.stats().rowsWritten());
            }
            assertThat(count(table, "COUNT(DISTINCT id)")).isEqualTo(20_000);
            assertThat(count(table, "COUNT(*)")).as("none written twice").isEqualTo(20_000);
        } finally {
            Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS " + table);
        }
    }

    /** Runs {@code action} as the pipeline's context begins to stop, before Camel's graceful stop of its routes. */
    private static void onStopping(RunningPipeline pipeline, Runnable action) {
        SimpleEventNotifierSupport notifier = new SimpleEventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStoppingEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                action.run();
            }
        };
        ServiceHelper.startService(notifier);
        pipeline.context().getManagementStrategy().addEventNotifier(notifier);
    }

    /**
     * The broker cannot be reached at start, then is lost mid-run (a proxy between them, cut): readiness says so each
     * time, the log has one line per change, the consumer connects once it can, and every record arrives once (the
     * table has no key).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jms", "amqp"})
    void aBrokerDownAtStartIsWaitedForAndOneLostMidRunLosesNothing(String component) throws Exception {
        String table = queue.replace('-', '_');
        Databases.recreateOrdersTable(table, false);
        Logger logger = (Logger) LoggerFactory.getLogger(JmsConnection.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (TcpProxy proxy = new TcpProxy(TestArtemis.port())) {
            proxy.cut();
            Map<String, String> settings = intoPostgres(component, table, TestPostgres.url(), "tcp://127.0.0.1:" + proxy.port());
            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> logged(log, "cannot connect to the JMS broker"));
                assertThat(readiness(pipeline)).contains("JMS broker not reachable");
                TestArtemis.send(queue, 1, 200, SampleData::jsonLine);
                proxy.restore();
                await().atMost(Duration.ofSeconds(60)).until(() -> count(table, "COUNT(DISTINCT id)") == 200 && TestArtemis.messageCount(queue) == 0);
                await().atMost(Duration.ofSeconds(30)).until(() -> !readiness(pipeline).contains("JMS broker"));

                proxy.cut();
                await().atMost(Duration.ofSeconds(60)).until(() -> logged(log, "JMS broker lost"));
                assertThat(readiness(pipeline)).contains("JMS broker not reachable");
                TestArtemis.send(queue, 201, 500, SampleData::jsonLine);
                proxy.restore();
                await().atMost(Duration.ofSeconds(60)).until(() -> count(table, "COUNT(DISTINCT id)") == 500 && TestArtemis.messageCount(queue) == 0);
                await().atMost(Duration.ofSeconds(30)).until(() -> logged(log, "connected to the JMS broker again"));
            }
            assertThat(count(table, "COUNT(*)")).as("each record once").isEqualTo(500);
            assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).as("one line per change").hasSize(4)
                    .anyMatch(line -> line.endsWith("connected to the JMS broker"));
        } finally {
            logger.detachAppender(log);
            Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS " + table);
        }
    }

    private static boolean logged(ListAppender<ILoggingEvent> log, String text) {
        return log.list.stream().anyMatch(event -> event.getFormattedMessage().contains(text));
    }

    private static String readiness(RunningPipeline pipeline) throws Exception {
        return pipeline.management("/observe/health/ready").body();
    }

    private static long count(String table, String what) throws Exception {
        return Databases.count(TestPostgres.url(), "postgres", "", "SELECT " + what + " FROM " + table);
    }

    /** The docs' recipe for the component, read from this test's queue into a PostgreSQL table (without a key, made by the test). */
    private Map<String, String> intoPostgres(String component, String table, String jdbcUrl, String brokerUrl) {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.format", "jsonl");
        settings.put("source.uri", component + ":queue:" + queue);
        settings.put("sink.jdbc.url", jdbcUrl);
        settings.put("sink.jdbc.username", "postgres");
        settings.put("sink.jdbc.table", table);
        settings.put("sink.jdbc.init-script", "");
        connect(settings, component, brokerUrl);
        return settings;
    }

    /** The docs' recipes: the connection factory is a bean, given to the component by its own property. */
    private static void connect(Map<String, String> settings, String component) {
        connect(settings, component, TestArtemis.url());
    }

    /** @param brokerUrl {@code tcp://host:port} */
    private static void connect(Map<String, String> settings, String component, String brokerUrl) {
        if (component.equals("jms")) {
            settings.put("camel.beans.artemis", "#class:org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory");
            settings.put("camel.beans.artemis.brokerURL", brokerUrl);
            settings.put("camel.component.jms.connection-factory", "#bean:artemis");
        } else {
            settings.put("camel.beans.qpid", "#class:org.apache.qpid.jms.JmsConnectionFactory");
            settings.put("camel.beans.qpid.remoteURI", brokerUrl.replace("tcp:", "amqp:"));
            settings.put("camel.component.amqp.connection-factory", "#bean:qpid");
        }
    }
}
