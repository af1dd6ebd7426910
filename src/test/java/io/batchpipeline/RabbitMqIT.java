package io.batchpipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import io.batchpipeline.support.Databases;
import io.batchpipeline.support.FreePort;
import io.batchpipeline.support.Management;
import io.batchpipeline.support.Processes;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TcpProxy;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The jar reading from the RabbitMQ server on 127.0.0.1:5672 (guest/guest), killed with SIGKILL at random points
 * and restarted. A message is acknowledged only once its records are written (in memory) or stored (durable), so
 * the broker redelivers whatever was not, and the durable buffer writes whatever was stored but not written.
 * RabbitMQ cannot be embedded: this runs in the {@code services} Maven profile, which .ci/run turns on.
 */
@Tag("services")
class RabbitMqIT {

    private static final int MESSAGES = 1_000;
    private static final int RECORDS_PER_MESSAGE = 100;
    private static final long RECORDS = (long) MESSAGES * RECORDS_PER_MESSAGE;

    @TempDir
    Path dir;

    private final Processes processes = new Processes();

    @AfterEach
    void killWhatIsLeft() {
        processes.close();
    }

    private final String queue = "batch-pipeline-it-" + System.nanoTime();
    private Path lastLog;

    @ParameterizedTest(name = "batch.durable={0}")
    @ValueSource(booleans = {true, false})
    void afterRepeatedKillsEveryMessageIsThereAtLeastOnceAndTheQueueIsEmpty(boolean durable) throws Exception {
        Databases.dropDurableBuffer(TestPostgres.url(), "postgres", "");
        Databases.recreateOrdersTable("bus_orders", false);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            publishMessagesOfHundredRecords(channel, false);

            Random random = new Random(5);
            for (int kill = 1; kill <= 3; kill++) {
                Process process = start("0", durable, "jsonl");
                long before = count("SELECT COUNT(*) FROM bus_orders");
                long target = Math.min(RECORDS - 1, before + 5_000 + random.nextInt(20_000));
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> count("SELECT COUNT(*) FROM bus_orders") >= target || !process.isAlive());
                process.destroyForcibly(); // SIGKILL
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            Process last = start("3", durable, "jsonl");
            assertThat(last.waitFor(180, TimeUnit.SECONDS)).isTrue();
            assertThat(last.exitValue()).isZero();

            assertThat(channel.queueDeclarePassive(queue).getMessageCount()).as("every message acknowledged").isZero();
            channel.queueDelete(queue);
        }
        long rows = count("SELECT COUNT(*) FROM bus_orders");
        System.out.printf("RabbitMQ, %s insert mode after 3 kills: %d rows for %d records, %d duplicates%n",
                durable ? "durable" : "in-memory", rows, RECORDS, rows - RECORDS);
        assertThat(count("SELECT COUNT(DISTINCT id) FROM bus_orders")).isEqualTo(RECORDS);
        assertThat(rows).isGreaterThanOrEqualTo(RECORDS);
        if (durable) {
            assertThat(count("SELECT COUNT(*) FROM batch_pipeline_buffer")).as("every stored batch written and released").isZero();
        }
    }

    /**
     * Three instances on one queue, one stopped with SIGTERM mid-load, and one killed with SIGKILL and restarted as
     * well where asked. With the durable buffer no instance writes a batch that another is still filling, the killed
     * one's stored batches are taken over once its lease lapses, and a message it had stored but not yet
     * acknowledged, delivered again to another, resumes after its stored records (the messages carry ids): every
     * record exactly once. Without it, what the killed one had written but not acknowledged is written again.
     */
    @ParameterizedTest(name = "durable: {0}, one killed as well: {1}")
    @CsvSource({"true, false", "true, true", "false, true"})
    void threeInstancesShareAQueue(boolean durable, boolean kill) throws Exception {
        Databases.dropDurableBuffer(TestPostgres.url(), "postgres", "");
        Databases.recreateOrdersTable("bus_orders", false);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            publishMessagesOfHundredRecords(channel, true);
            List<String> shared = List.of("-Dinstance.lease=3000", "-Dbatch.size=500");
            Process killed = start("0", durable, "jsonl", instance("i1", shared));
            Process stopped = start("0", durable, "jsonl", instance("i2", shared));
            Process survivor = start("0", durable, "jsonl", instance("i3", shared));

            awaitRows(RECORDS / 5);
            if (kill) {
                killed.destroyForcibly(); // SIGKILL: its stored batches wait for its lease to lapse, its unacknowledged messages return
                assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            awaitRows(RECORDS / 2);
            stopped.destroy(); // SIGTERM
            assertThat(stopped.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(stopped.exitValue()).as("the JVM's exit code after SIGTERM").isEqualTo(Processes.SIGTERM_EXIT);
            List<Process> running = new ArrayList<>(List.of(survivor, kill ? start("0", durable, "jsonl", instance("i1", shared)) : killed));

            // and the queue drained: a redelivered message still in flight when the survivors stop would go back to it
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() ->
                    count("SELECT COUNT(DISTINCT id) FROM bus_orders") == RECORDS
                    && (!durable || count("SELECT COUNT(*) FROM batch_pipeline_buffer") == 0)
                    && messagesIncludingUnacknowledged() == 0);
            for (Process process : running) {
                process.destroy();
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).isEqualTo(Processes.SIGTERM_EXIT);
            }
            assertThat(channel.queueDeclarePassive(queue).getMessageCount()).as("every message acknowledged").isZero();
            channel.queueDelete(queue);
        }
        long rows = count("SELECT COUNT(*) FROM bus_orders");
        System.out.printf("RabbitMQ, three %s instances, one stopped%s: %d rows for %d records, %d duplicates%n",
                durable ? "durable" : "in-memory", kill ? " and one killed" : "", rows, RECORDS, rows - RECORDS);
        assertThat(count("SELECT COUNT(DISTINCT id) FROM bus_orders")).isEqualTo(RECORDS);
        if (durable) {
            assertThat(rows).as("exactly once").isEqualTo(RECORDS);
        }
    }

    /** One record per message: records of many messages share a batch, each message acknowledged once written. */
    @Test
    void oneRecordPerMessageFillsBatchesAndEveryMessageIsAcknowledgedOnceWritten() throws Exception {
        Databases.recreateOrdersTable("bus_orders", true);
        int messages = 20_000;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, null);
            for (long id = 1; id <= messages; id++) {
                channel.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, SampleData.jsonLine(id).getBytes(StandardCharsets.UTF_8));
            }
            Process process = start("3", false, "jsonl");
            assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
            assertThat(channel.queueDeclarePassive(queue).getMessageCount()).isZero();
            channel.queueDelete(queue);
        }
        assertThat(count("SELECT COUNT(*) FROM bus_orders")).isEqualTo(messages);
        String log = Files.readString(lastLog);
        assertThat(log).contains("records read, " + messages + " rows written in");
        System.out.println("RabbitMQ, one record per message: " + log.lines().filter(l -> l.contains("Summary: pipeline default-pipeline"))
                .findFirst().orElse("no summary"));
    }

    @Test
    void aMessageThatCannotBeReadIsOneDeadLetterNamingItsIdAndIsAcknowledged() throws Exception {
        Databases.recreateOrdersTable("bus_orders", true);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, null);
            channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().messageId("json-1").build(),
                    (SampleData.jsonLine(1) + "\n").getBytes(StandardCharsets.UTF_8));
            channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().messageId("empty-2").build(), new byte[0]);
            channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().messageId("csv-3").build(),
                    (SampleData.HEADER + "\n" + SampleData.csvLine(3) + "\n").getBytes(StandardCharsets.UTF_8));

            Process process = start("3", false, "csv");
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(channel.queueDeclarePassive(queue).getMessageCount()).as("every message acknowledged").isZero();
            channel.queueDelete(queue);
        }
        assertThat(count("SELECT COUNT(*) FROM bus_orders")).isEqualTo(1);
        List<JsonNode> rejected = SampleData.readJsonLines(dir.resolve("deadletter/rejected.jsonl"));
        assertThat(rejected).extracting(n -> n.get("source").asText() + ": " + n.get("reason").asText()).containsExactlyInAnyOrder(
                "spring-rabbitmq://default?autoDeclare=false&queues=" + queue + " message json-1: the body looks like JSON, but this pipeline reads CSV with a header line (source.format)",
                "spring-rabbitmq://default?autoDeclare=false&queues=" + queue + " message empty-2: the body is empty: send csv records");
    }

    /** A queue that is not there is a configuration error, as a missing table is: the jar says so and exits. */
    @Test
    void aMissingQueueStopsStartupNamingIt() throws Exception {
        Databases.recreateOrdersTable("bus_orders", true);
        Process process = start("3", false, "jsonl"); // this test never declares its queue

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(lastLog)).contains("source.uri: RabbitMQ has no queue '" + queue + "'");
    }

    /**
     * The broker cut off mid-run (a proxy between them): readiness goes DOWN with the reason, the log says so once
     * instead of a stack trace per retry, the consumer reconnects by itself, and every message arrives.
     */
    @Test
    void aBrokerLostMidRunIsOneWarningAndReadinessDownUntilItIsBackAndNothingIsLost() throws Exception {
        Databases.recreateOrdersTable("bus_orders", true);
        int port = FreePort.find();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        try (TcpProxy proxy = new TcpProxy(5672);
             Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, null);
            Process process = start("0", false, "jsonl", List.of("-Dcamel.beans.rabbitConnectionFactory.port=" + proxy.port(),
                    "-Dcamel.management.port=" + port));
            publishOneRecordMessages(channel, 1, 500);
            awaitRows(500);

            proxy.cut();
            await().atMost(Duration.ofSeconds(60)).until(() -> readiness(port).contains("source: "));
            publishOneRecordMessages(channel, 501, 1_000);
            // the consumer retries every 5 s, and each retry used to log a stack trace
            await().atMost(Duration.ofSeconds(120))
                    .untilAsserted(() -> assertThat(readiness(port)).containsPattern("failed attempts to connect since: [1-9]"));
            proxy.restore();

            awaitRows(1_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> readiness(port).contains("\"status\":\"UP\""));
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(channel.queueDeclarePassive(queue).getMessageCount()).isZero();
            channel.queueDelete(queue);
        }
        assertThat(count("SELECT COUNT(*) FROM bus_orders")).isEqualTo(1_000);
        List<String> log = Files.readAllLines(lastLog);
        assertThat(log).filteredOn(line -> line.contains("RabbitMqConnection")).hasSize(2)
                .anyMatch(line -> line.contains("WARN") && line.contains("RabbitMQ"))
                .anyMatch(line -> line.contains("connected to RabbitMQ again"));
        assertThat(log).as("no stack trace").noneMatch(line -> line.startsWith("\tat "));
    }

    /**
     * The database away far longer than the retry budget, in memory: the messages read meanwhile wait, none of them
     * acknowledged (acknowledgements go together, never past a message not yet written), and all arrive once it is back.
     */
    @Test
    void aDatabaseOutageLongerThanTheRetryBudgetAcknowledgesNothingUnwrittenAndLosesNothing() throws Exception {
        Databases.recreateOrdersTable("bus_orders", true);
        int port = FreePort.find();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        try (TcpProxy proxy = new TcpProxy(TestPostgres.get().getPort());
             Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, null);
            Process process = start("0", false, "jsonl", List.of("-Dsink.jdbc.url=jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres",
                    "-Dsink.retry.max-attempts=2", "-Dsink.retry.initial-delay=50", "-Dcamel.management.port=" + port));
            publishOneRecordMessages(channel, 1, 500);
            awaitRows(500);
            await().atMost(Duration.ofSeconds(60)).until(() -> messagesIncludingUnacknowledged() == 0);

            proxy.cut();
            publishOneRecordMessages(channel, 501, 3_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> readiness(port).contains("SQLSTATE 08")
                    && channel.queueDeclarePassive(queue).getMessageCount() == 0); // all read, and waiting for the database
            assertThat(messagesIncludingUnacknowledged()).as("none acknowledged while nothing is written").isEqualTo(2_500);

            proxy.restore();
            awaitRows(3_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> messagesIncludingUnacknowledged() == 0);
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            channel.queueDelete(queue);
        }
        assertThat(count("SELECT COUNT(*) FROM bus_orders")).isEqualTo(3_000);
        assertThat(dir.resolve("deadletter/rejected.jsonl")).doesNotExist();
    }

    private static String readiness(int port) {
        try {
            return Management.get(port, "/observe/health/ready").body();
        } catch (Exception e) {
            return "";
        }
    }

    private void publishOneRecordMessages(Channel channel, long from, long to) throws Exception {
        for (long id = from; id <= to; id++) {
            channel.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, SampleData.jsonLine(id).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Persistent messages; with ids, a message delivered again after a kill resumes after its stored records. */
    private void publishMessagesOfHundredRecords(Channel channel, boolean withIds) throws Exception {
        channel.queueDeclare(queue, true, false, false, null);
        for (long message = 0; message < MESSAGES; message++) {
            long first = message * RECORDS_PER_MESSAGE + 1;
            String body = LongStream.range(first, first + RECORDS_PER_MESSAGE).mapToObj(SampleData::jsonLine).collect(Collectors.joining("\n"));
            AMQP.BasicProperties properties = withIds ? MessageProperties.PERSISTENT_BASIC.builder().messageId("orders-" + message).build()
                    : MessageProperties.PERSISTENT_BASIC;
            channel.basicPublish("", queue, properties, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<String> instance(String name, List<String> options) {
        List<String> all = new ArrayList<>(options);
        all.add("-Dinstance.name=" + name);
        return all;
    }

    private void awaitRows(long rows) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> count("SELECT COUNT(*) FROM bus_orders") >= rows);
    }

    private Process start(String maxIdleSeconds, boolean durable, String format) throws Exception {
        return start(maxIdleSeconds, durable, format, List.of());
    }

    private Process start(String maxIdleSeconds, boolean durable, String format, List<String> options) throws Exception {
        List<String> all = new ArrayList<>(List.of(
                "-Dcamel.main.duration-max-idle-seconds=" + maxIdleSeconds,
                "-Dsource.uri=spring-rabbitmq:default?queues=" + queue + "&autoDeclare=false",
                "-Dsource.format=" + format,
                "-Dcamel.beans.rabbitConnectionFactory=#class:org.springframework.amqp.rabbit.connection.CachingConnectionFactory",
                "-Dcamel.beans.rabbitConnectionFactory.host=127.0.0.1",
                "-Dcamel.component.spring-rabbitmq.connection-factory=#bean:rabbitConnectionFactory"));
        all.addAll(options);
        lastLog = dir.resolve("logs/run-" + System.nanoTime() + ".log");
        return processes.start(Processes.jar(dir, "bus_orders", durable, all), lastLog);
    }

    /** Ready and unacknowledged messages of the queue: AMQP tells only the ready ones, rabbitmqctl both. */
    private long messagesIncludingUnacknowledged() throws Exception {
        Process ctl = new ProcessBuilder("rabbitmqctl", "-q", "list_queues", "name", "messages").redirectErrorStream(true).start();
        String output = new String(ctl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ctl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output.lines().map(line -> line.split("\\s+")).filter(f -> f.length == 2 && f[0].equals(queue))
                .mapToLong(f -> Long.parseLong(f[1])).findFirst().orElseThrow(() -> new IllegalStateException("no queue " + queue + " in: " + output));
    }

    private static long count(String sql) throws Exception {
        return Databases.count(TestPostgres.url(), "postgres", "", sql);
    }
}
