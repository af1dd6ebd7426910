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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.batchpipeline.support.Databases;
import io.batchpipeline.support.FreePort;
import io.batchpipeline.support.Management;
import io.batchpipeline.support.MqttTopic;
import io.batchpipeline.support.Processes;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TcpProxy;
import io.batchpipeline.support.TestPostgres;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The jar reading from the MQTT (Mosquitto, 1883) and NATS (4222) servers of this machine, configured by properties
 * alone: one JSON record per message, into PostgreSQL. MQTT messages are acknowledged once their records are written
 * (durable: stored); core NATS has none (at most once): see docs/operations.md. Runs in the {@code services} Maven
 * profile, which .ci/run turns on.
 */
@Tag("services")
class BusesIT {

    private static final int MESSAGES = 2_000;

    @TempDir
    Path dir;

    private final String topic = "batch-pipeline-it-" + System.nanoTime();
    /** Mosquitto's. */
    private final MqttTopic mqtt = new MqttTopic("tcp://127.0.0.1:1883", topic);
    private final int managementPort = FreePort.find();

    private final Processes processes = new Processes();

    @AfterEach
    void dropTable() throws Exception {
        processes.close();
        Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS " + table());
    }

    @Test
    void mqttMessagesReachTheTable() throws Exception {
        Process process = start("paho-mqtt5:" + topic + "?brokerUrl=tcp://127.0.0.1:1883&clientId=" + topic); // QoS 2, Camel's default
        try {
            mqtt.publish(1, MESSAGES);

            assertAllArrive(process);
        } finally {
            process.destroyForcibly();
            mqtt.endSession();
        }
    }

    /**
     * Killed with SIGKILL three times while it reads, then run to the end: a message is acknowledged only once its
     * record is written (durable: stored), and the broker keeps the session's unacknowledged messages across the
     * kills, so every record is there, some twice.
     */
    @ParameterizedTest(name = "batch.durable={0}")
    @ValueSource(booleans = {true, false})
    void mqttAfterRepeatedKillsEveryRecordIsThere(boolean durable) throws Exception {
        int messages = 6_000;
        String uri = mqtt.sourceUri(); // the URI says no more
        Databases.dropDurableBuffer(TestPostgres.url(), "postgres", "");
        Databases.recreateOrdersTable(table(), false);
        Process process = start(uri, durable, false);
        try {
            mqtt.publish(1, messages);

            process = Processes.killThreeTimes(process, () -> start(uri, durable, false), () -> count("SELECT COUNT(DISTINCT id)"),
                    messages, 500, new Random(11));
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> count("SELECT COUNT(DISTINCT id)") == messages);
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            long rows = count("SELECT COUNT(*)");
            System.out.printf("MQTT, %s after 3 kills: %d rows for %d records, %d duplicates; %d messages left in the session%n",
                    durable ? "durable" : "in memory", rows, messages, rows - messages, mqtt.leftInSession(Duration.ofSeconds(3)));
            assertThat(count("SELECT COUNT(DISTINCT id)")).as("every record").isEqualTo(messages);
        } finally {
            process.destroyForcibly();
            mqtt.endSession();
        }
    }

    /**
     * The database away for longer than the retry budget, in memory: the MQTT messages read meanwhile wait with their
     * batches, none acknowledged. Killed then (SIGKILL) and started again once the database is back, it gets them all
     * again from its session and writes each once (the table has no key, so a record written twice would show).
     * Acknowledged on hand-off, or dropped once the retries ran out, they would be missing.
     */
    @Test
    void mqttDatabaseOutageLongerThanTheRetryBudgetAcknowledgesNothingUnwritten() throws Exception {
        String uri = mqtt.sourceUri();
        Databases.recreateOrdersTable(table(), false);
        try (TcpProxy proxy = new TcpProxy(TestPostgres.get().getPort())) {
            List<String> options = List.of("-Dsink.jdbc.url=jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres",
                    "-Dsink.retry.max-attempts=2", "-Dsink.retry.initial-delay=50");
            Process process = start(uri, false, false, options);
            try {
                mqtt.publish(1, 500);
                await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT COUNT(*)") == 500);

                proxy.cut();
                // fewer than Mosquitto keeps for a session (max_queued_messages, 1,000), unacknowledged ones included
                mqtt.publish(501, 1_300);
                // the retries have run out: the sink is reported down
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> readiness().contains("SQLSTATE 08"));
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                assertThat(count("SELECT COUNT(*)")).isEqualTo(500);

                proxy.restore();
                process = start(uri, false, false, options);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> count("SELECT COUNT(DISTINCT id)") == 1_300);
                process.destroy();
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                process.destroyForcibly();
                mqtt.endSession();
            }
        }
        assertThat(count("SELECT COUNT(*)")).as("every record, once").isEqualTo(1_300);
    }

    /**
     * Stopped gracefully (SIGTERM) while it reads, then started again: every record written once. The messages in hand
     * at the stop are written and acknowledged before the client disconnects, those that arrive meanwhile stay with
     * the broker, and what the broker resends as the next run connects reaches it. Before, the stop waited out its
     * whole timeout, the messages in hand were written but not acknowledged (written again at the restart), and
     * some that the broker resent at the connection were dropped by the client, stuck in the session.
     */
    @Test
    void mqttStoppedMidStreamAndRestartedWritesEveryRecordOnce() throws Exception {
        int messages = 20_000;
        String uri = mqtt.sourceUri();
        Databases.recreateOrdersTable(table(), false); // no key: a record written twice is two rows
        Process process = start(uri, false, false);
        try {
            // faster than the pipeline reads, so that the stop comes mid-stream, and all sent before it is away: the
            // broker keeps only so many messages for a session that is away (max_queued_messages)
            mqtt.publishPipelined(messages);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> count("SELECT COUNT(*)") >= 2_000);
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String firstRun = Files.readString(dir.resolve("jar.log"));
            assertThat(firstRun).contains("stopping; messages that arrive from now on stay with the broker")
                    .doesNotContain("Timeout occurred during graceful shutdown").doesNotContain("RejectedExecutionException");
            long written = count("SELECT COUNT(*)");
            assertThat(written).as("stopped mid-stream").isLessThan(messages);

            process = start(uri, false, false);
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> count("SELECT COUNT(DISTINCT id)") == messages);
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(count("SELECT COUNT(*)")).as("each record once, %d of them by the first run", written).isEqualTo(messages);
            assertThat(mqtt.leftInSession(Duration.ofSeconds(3))).as("messages left with the broker").isZero();
        } finally {
            process.destroyForcibly();
            mqtt.endSession();
        }
    }

    /**
     * The broker lost mid-run (a proxy between them cut): readiness says so, the client reconnects by itself to its
     * session, which kept what was published meanwhile and what was delivered but not yet acknowledged, so every record
     * arrives; the log says each change once. With camel-paho-mqtt5's own callback the client stopped reading for good
     * after the reconnection (it waited on its callback thread for an answer that thread had to read).
     */
    @Test
    void mqttBrokerLostMidRunReconnectsAndLosesNothing() throws Exception {
        Databases.recreateOrdersTable(table(), false);
        try (TcpProxy proxy = new TcpProxy(1883)) {
            String uri = "paho-mqtt5:" + topic + "?brokerUrl=tcp://127.0.0.1:" + proxy.port() + "&qos=1&clientId=" + topic;
            Process process = start(uri, false, false);
            try {
                mqtt.publish(1, 200);
                await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT COUNT(DISTINCT id)") == 200);

                proxy.cut();
                await().atMost(Duration.ofSeconds(60)).until(() -> readiness().contains("MQTT broker lost"));
                // Mosquitto keeps at most 1,000 messages for a session that is away, those not yet acknowledged included
                mqtt.publish(201, 500);
                proxy.restore();

                // Paho tries again 1 s after the loss, then waits twice as long each time, up to 2 minutes
                await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                        .until(() -> count("SELECT COUNT(DISTINCT id)") == 500);
                await().atMost(Duration.ofSeconds(60)).until(() -> readiness().contains("\"status\":\"UP\""));
                System.out.printf("MQTT, broker lost mid-run: %d rows for 500 records%n", count("SELECT COUNT(*)"));
            } finally {
                process.destroyForcibly();
                mqtt.endSession();
            }
        }
        List<String> log = Files.readAllLines(dir.resolve("jar.log"));
        assertThat(log).filteredOn(line -> line.contains("MqttConnection")).hasSize(2)
                .anyMatch(line -> line.contains("WARN") && line.contains("MQTT broker lost"))
                .anyMatch(line -> line.contains("connected to the MQTT broker again"));
        assertThat(log).as("no stack trace").noneMatch(line -> line.startsWith("\tat "));
    }

    /**
     * The broker not reachable as the jar starts (a proxy between them that refuses connections): the jar starts all
     * the same, readiness says why it is not ready, and once the broker can be reached the source connects and
     * subscribes by itself; the log says each change once. camel-paho-mqtt5's consumer failed the start instead.
     */
    @Test
    void mqttBrokerDownAtStartIsWaitedFor() throws Exception {
        Databases.recreateOrdersTable(table(), false);
        try (TcpProxy proxy = new TcpProxy(1883)) {
            proxy.cut();
            String uri = "paho-mqtt5:" + topic + "?brokerUrl=tcp://127.0.0.1:" + proxy.port() + "&qos=1&clientId=" + topic;
            Process process = launch(uri, false, false, List.of());
            try {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> !process.isAlive() || readiness().contains("MQTT broker not reachable"));
                assertThat(process.isAlive()).as(Files.readString(dir.resolve("jar.log"))).isTrue();

                proxy.restore();
                // tried again after 1 s, then twice as long each time
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(this::ready);
                mqtt.publish(1, 300); // a session new to the broker: it keeps messages once the client has subscribed
                await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT COUNT(DISTINCT id)") == 300);
            } finally {
                process.destroyForcibly();
                mqtt.endSession();
            }
        }
        List<String> log = Files.readAllLines(dir.resolve("jar.log"));
        assertThat(log).filteredOn(line -> line.contains("MqttConnection")).hasSize(2)
                .anyMatch(line -> line.contains("WARN") && line.contains("cannot connect to the MQTT broker"))
                .anyMatch(line -> line.contains("connected to the MQTT broker") && !line.contains("again"));
        assertThat(log).as("no stack trace").noneMatch(line -> line.startsWith("\tat "));
    }

    private String readiness() throws Exception {
        return Management.get(managementPort, "/observe/health/ready").body();
    }

    @Test
    void natsMessagesReachTheTable() throws Exception {
        Process process = start("nats:" + topic + "?servers=127.0.0.1:4222");
        try (Connection nats = Nats.connect("nats://127.0.0.1:4222")) {
            for (long id = 1; id <= MESSAGES; id++) {
                nats.publish(topic, SampleData.jsonLine(id).getBytes(StandardCharsets.UTF_8));
            }
            nats.flush(Duration.ofSeconds(10));

            assertAllArrive(process);
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * Stopped gracefully (SIGTERM) while it reads core NATS, which has no acknowledgement: every record it had received
     * is written before it exits. The subscription is drained as the stop begins. Before, Camel stopped the consumer
     * and the route's processors at once, and the batches still open or being written were lost.
     */
    @Test
    void natsStoppedMidStreamWritesEveryRecordItRead() throws Exception {
        int messages = 20_000;
        Databases.recreateOrdersTable(table(), false);
        Process process = start("nats:" + topic + "?servers=127.0.0.1:4222", false, false);
        try (Connection nats = Nats.connect("nats://127.0.0.1:4222")) {
            for (long id = 1; id <= messages; id++) {
                nats.publish(topic, SampleData.jsonLine(id).getBytes(StandardCharsets.UTF_8));
            }
            nats.flush(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> count("SELECT COUNT(*)") >= 2_000);
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("jar.log"));
        assertThat(log).contains("the subscription is drained").doesNotContain("RejectedExecutionException")
                .doesNotContain("Timeout occurred during graceful shutdown");
        Matcher summary = Pattern.compile("(\\d+) records read, (\\d+) rows written").matcher(log);
        assertThat(summary.find()).as(log).isTrue();
        long rows = count("SELECT COUNT(*)");
        assertThat(Long.parseLong(summary.group(1))).as("records read").isEqualTo(rows).isPositive();
        assertThat(Long.parseLong(summary.group(2))).as("rows written").isEqualTo(rows);
        assertThat(count("SELECT COUNT(DISTINCT id)")).isEqualTo(rows);
    }

    /**
     * JetStream keeps a message until it is acknowledged, which the pipeline's consumer does once its record is written
     * (durable: stored), so kills lose nothing, in either mode, and the consumer has nothing pending at the end. The URI
     * is the docs' recipe. A message that is not JSON lines is a dead letter naming its stream and sequence. Before,
     * camel-nats acknowledged each message as it reached the aggregator, and in memory mode a kill lost what was
     * buffered.
     */
    @ParameterizedTest(name = "batch.durable={0}")
    @ValueSource(booleans = {true, false})
    void natsJetStreamLosesNothingToKills(boolean durable) throws Exception {
        int messages = 6_000;
        String stream = table().toUpperCase();
        Databases.dropDurableBuffer(TestPostgres.url(), "postgres", "");
        Databases.recreateOrdersTable(table(), false);
        String uri = "nats:" + topic + "?servers=127.0.0.1:4222&jetstreamEnabled=true&jetstreamName=" + stream + "&durableName=loader";
        try (Connection nats = Nats.connect("nats://127.0.0.1:4222")) {
            JetStreamManagement management = nats.jetStreamManagement();
            management.addStream(StreamConfiguration.builder().name(stream).subjects(topic).build());
            JetStream jetStream = nats.jetStream();
            jetStream.publish(topic, "not JSON at all".getBytes(StandardCharsets.UTF_8)); // sequence 1
            for (long id = 1; id <= messages; id++) {
                jetStream.publishAsync(topic, SampleData.jsonLine(id).getBytes(StandardCharsets.UTF_8));
            }
            nats.flush(Duration.ofSeconds(10));
            try {
                Process last = Processes.killThreeTimes(start(uri, durable, false), () -> start(uri, durable, false),
                        () -> count("SELECT COUNT(DISTINCT id)"), messages, 500, new Random(3));
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                        .until(() -> count("SELECT COUNT(DISTINCT id)") == messages);
                last.destroy(); // SIGTERM: every acknowledgement reaches the server before it exits
                assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
                long rows = count("SELECT COUNT(*)");
                ConsumerInfo consumer = management.getConsumerInfo(stream, "loader-durable");
                System.out.printf("NATS JetStream, %s after 3 kills: %d rows for %d records, %d duplicates%n",
                        durable ? "durable" : "in memory", rows, messages, rows - messages);
                assertThat(consumer.getNumPending()).as("messages not yet delivered").isZero();
                assertThat(consumer.getNumAckPending()).as("messages delivered and not acknowledged").isZero();
                // dead-lettered once, or again if a kill came before its acknowledgement
                assertThat(SampleData.readJsonLines(dir.resolve("deadletter/rejected.jsonl")))
                        .isNotEmpty().allMatch(entry -> entry.get("source").asText().endsWith(" message " + stream + " sequence 1")
                                && entry.get("reason").asText().contains("not JSON lines"));
            } finally {
                management.deleteStream(stream);
            }
        }
    }

    /**
     * The database away far longer than the retry budget, in memory: the JetStream messages read meanwhile wait with
     * their batches, none of them acknowledged, and all are written once it is back, each once. Before, camel-nats
     * acknowledged them as they were read. The consumer's ack wait is 2 s here, and the outage lasts several: the
     * messages held are reported in progress, so the server does not deliver them again meanwhile (each copy would be
     * written too).
     */
    @Test
    void natsJetStreamDatabaseOutageLongerThanTheRetryBudgetAcknowledgesNothingUnwrittenAndLosesNothing() throws Exception {
        String stream = table().toUpperCase();
        Databases.recreateOrdersTable(table(), false);
        String uri = "nats:" + topic + "?servers=127.0.0.1:4222&jetstreamEnabled=true&jetstreamName=" + stream + "&durableName=loader";
        try (TcpProxy proxy = new TcpProxy(TestPostgres.get().getPort()); Connection nats = Nats.connect("nats://127.0.0.1:4222")) {
            JetStreamManagement management = nats.jetStreamManagement();
            management.addStream(StreamConfiguration.builder().name(stream).subjects(topic).build());
            management.addOrUpdateConsumer(stream, ConsumerConfiguration.builder().durable("loader-durable").filterSubject(topic).deliverSubject("deliver." + topic)
                    .ackWait(Duration.ofSeconds(2)).build());
            try {
                Process process = start(uri, false, false, List.of("-Dsink.jdbc.url=jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres",
                        "-Dsink.retry.max-attempts=2", "-Dsink.retry.initial-delay=50"));
                publishJetStream(nats, 1, 500);
                await().atMost(Duration.ofSeconds(60)).until(() -> ackFloor(management, stream) == 500);

                proxy.cut();
                publishJetStream(nats, 501, 3_000);
                await().atMost(Duration.ofSeconds(60)).until(() -> readiness().contains("SQLSTATE 08")
                        && management.getConsumerInfo(stream, "loader-durable").getNumPending() == 0); // all read, and waiting
                await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(20))
                        .until(() -> management.getConsumerInfo(stream, "loader-durable").getRedelivered() == 0);
                assertThat(ackFloor(management, stream)).as("none acknowledged while nothing is written").isEqualTo(500);
                assertThat(count("SELECT COUNT(*)")).isEqualTo(500);

                proxy.restore();
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> ackFloor(management, stream) == 3_000);
                process.destroy();
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                management.deleteStream(stream);
            }
        }
        assertThat(count("SELECT COUNT(*)")).as("every record, once").isEqualTo(3_000);
        assertThat(count("SELECT COUNT(DISTINCT id)")).isEqualTo(3_000);
        assertThat(dir.resolve("deadletter/rejected.jsonl")).doesNotExist();
        // the batches wait for the database, their messages unacknowledged, and the log says so a few times, not per
        // message or retry (3 lines in one run)
        List<String> warnings = Files.readAllLines(dir.resolve("jar.log")).stream().filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")).toList();
        assertThat(warnings).hasSizeLessThanOrEqualTo(10).noneMatch(line -> line.contains("could not be taken"));
    }

    /**
     * Core NATS with the server not reachable as the jar starts: the jar starts all the same, readiness says why, and
     * once the server can be reached the source connects and subscribes by itself, ready only once the server has its
     * subscription; the log says each change once. camel-nats' consumer failed the start instead.
     */
    @Test
    void natsCoreServerDownAtStartIsWaitedFor() throws Exception {
        Databases.recreateOrdersTable(table(), false);
        try (TcpProxy proxy = new TcpProxy(4222); Connection nats = Nats.connect("nats://127.0.0.1:4222")) {
            proxy.cut();
            Process process = launch("nats:" + topic + "?servers=127.0.0.1:" + proxy.port() + "&reconnectTimeWait=500", false, false, List.of());
            try {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> !process.isAlive() || readiness().contains("NATS server not reachable"));
                assertThat(process.isAlive()).as(Files.readString(dir.resolve("jar.log"))).isTrue();

                proxy.restore();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(this::ready);
                for (long id = 1; id <= 300; id++) { // core NATS keeps nothing: published once the source is ready
                    nats.publish(topic, SampleData.jsonLine(id).getBytes(StandardCharsets.UTF_8));
                }
                nats.flush(Duration.ofSeconds(10));
                await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT COUNT(DISTINCT id)") == 300);
            } finally {
                process.destroyForcibly();
            }
        }
        List<String> log = Files.readAllLines(dir.resolve("jar.log"));
        assertThat(log).filteredOn(line -> line.contains("NatsConnectionState")).hasSize(2)
                .anyMatch(line -> line.contains("WARN") && line.contains("cannot connect to the NATS server"))
                .anyMatch(line -> line.contains("INFO") && line.endsWith("connected to the NATS server"));
        assertThat(log).as("no stack trace").noneMatch(line -> line.startsWith("\tat "));
    }

    /**
     * The NATS server not reachable as the jar starts, then lost mid-run (a proxy between them): the jar starts all the
     * same, readiness says why it is not ready, the source subscribes once the server can be reached and reconnects
     * after the loss, and every message published meanwhile (JetStream keeps them) is written; the log says each
     * change once, without a stack trace. camel-nats failed the start instead, and gave up reconnecting after 2 minutes.
     */
    @Test
    void natsJetStreamServerDownAtStartAndLostMidRunLosesNothing() throws Exception {
        String stream = table().toUpperCase();
        Databases.recreateOrdersTable(table(), false);
        try (TcpProxy proxy = new TcpProxy(4222); Connection nats = Nats.connect("nats://127.0.0.1:4222")) {
            JetStreamManagement management = nats.jetStreamManagement();
            management.addStream(StreamConfiguration.builder().name(stream).subjects(topic).build());
            proxy.cut();
            String uri = "nats:" + topic + "?servers=127.0.0.1:" + proxy.port() + "&jetstreamEnabled=true&jetstreamName=" + stream
                    + "&durableName=loader&reconnectTimeWait=500";
            Process process = launch(uri, false, false, List.of());
            try {
                publishJetStream(nats, 1, 200);
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> !process.isAlive() || readiness().contains("NATS server not reachable"));
                assertThat(process.isAlive()).as(Files.readString(dir.resolve("jar.log"))).isTrue();

                proxy.restore();
                await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT COUNT(DISTINCT id)") == 200);

                proxy.cut();
                publishJetStream(nats, 201, 500);
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> readiness().contains("NATS server lost"));
                proxy.restore();
                await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT COUNT(DISTINCT id)") == 500);
                await().atMost(Duration.ofSeconds(60)).until(() -> ackFloor(management, stream) == 500);
            } finally {
                process.destroyForcibly();
                management.deleteStream(stream);
            }
        }
        List<String> log = Files.readAllLines(dir.resolve("jar.log"));
        assertThat(log).filteredOn(line -> line.contains("NatsConnectionState")).hasSize(4)
                .anyMatch(line -> line.contains("WARN") && line.contains("cannot connect to the NATS server"))
                .anyMatch(line -> line.contains("INFO") && line.endsWith("connected to the NATS server"))
                .anyMatch(line -> line.contains("WARN") && line.contains("NATS server lost"))
                .anyMatch(line -> line.contains("connected to the NATS server again"));
        assertThat(log).as("no stack trace").noneMatch(line -> line.startsWith("\tat "));
    }

    private void publishJetStream(Connection nats, long from, long to) throws Exception {
        JetStream jetStream = nats.jetStream();
        for (long id = from; id <= to; id++) {
            jetStream.publishAsync(topic, SampleData.jsonLine(id).getBytes(StandardCharsets.UTF_8));
        }
        nats.flush(Duration.ofSeconds(10));
    }

    /** The stream sequence up to which the pipeline's consumer has acknowledged every message. */
    private static long ackFloor(JetStreamManagement management, String stream) throws Exception {
        return management.getConsumerInfo(stream, "loader-durable").getAckFloor().getStreamSequence();
    }

    private void assertAllArrive(Process process) throws Exception {
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("exits once idle").isTrue();
        assertThat(Databases.count(TestPostgres.url(), "postgres", "", "SELECT COUNT(*) FROM " + table())).isEqualTo(MESSAGES);
        assertThat(Files.readString(dir.resolve("jar.log"))).contains(MESSAGES + " records read, " + MESSAGES + " rows written");
    }

    private long count(String select) throws Exception {
        return Databases.count(TestPostgres.url(), "postgres", "", select + " FROM " + table());
    }

    /** A table of this test's own. */
    private String table() {
        return topic.replace('-', '_');
    }

    /** The jar, subscribed and ready before the test publishes: these messages are not kept for a subscriber to come. */
    private Process start(String sourceUri) throws Exception {
        Databases.recreateOrdersTable(table(), true);
        return start(sourceUri, false, true);
    }

    /** @param exitWhenIdle exits 4 s after the last message; otherwise runs until stopped */
    private Process start(String sourceUri, boolean durable, boolean exitWhenIdle) throws Exception {
        return start(sourceUri, durable, exitWhenIdle, List.of());
    }

    /** @param options more -D options for the jar */
    private Process start(String sourceUri, boolean durable, boolean exitWhenIdle, List<String> options) throws Exception {
        Process process = launch(sourceUri, durable, exitWhenIdle, options);
        await().atMost(Duration.ofSeconds(60)).until(() -> ready() || !process.isAlive());
        assertThat(process.isAlive()).as(Files.readString(dir.resolve("jar.log"))).isTrue();
        return process;
    }

    /** The jar, not waited for. */
    private Process launch(String sourceUri, boolean durable, boolean exitWhenIdle, List<String> options) throws Exception {
        List<String> all = new ArrayList<>(List.of("-Dsource.uri=" + sourceUri, "-Dcamel.main.duration-max-idle-seconds=" + (exitWhenIdle ? 4 : 0),
                "-Dcamel.management.port=" + managementPort));
        all.addAll(options);
        return processes.start(Processes.jar(dir, table(), durable, all), dir.resolve("jar.log"));
    }

    private boolean ready() {
        try {
            return Management.get(managementPort, "/observe/health/ready").statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
