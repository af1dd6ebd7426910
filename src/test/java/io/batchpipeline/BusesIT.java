package io.batchpipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.batchpipeline.support.Databases;
import io.batchpipeline.support.FreePort;
import io.batchpipeline.support.Management;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TestPostgres;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar reading from the MQTT (Mosquitto, 1883) and NATS (4222) servers of this machine, configured by properties
 * alone: one JSON record per message, into PostgreSQL. These consumers acknowledge a message when it is handed to
 * the pipeline (MQTT QoS 1) or not at all (core NATS): see docs/operations.md for what a crash costs.
 * Runs in the {@code services} Maven profile, which .ci/run turns on.
 */
@Tag("services")
class BusesIT {

    private static final int MESSAGES = 2_000;

    @TempDir
    Path dir;

    private final String topic = "batch-pipeline-it-" + System.nanoTime();
    private final int managementPort = FreePort.find();

    @AfterEach
    void dropTable() throws Exception {
        Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS " + table());
    }

    @Test
    void mqttMessagesReachTheTable() throws Exception {
        Process process = start("paho-mqtt5:" + topic + "?brokerUrl=tcp://127.0.0.1:1883&qos=1&cleanStart=false&clientId=" + topic);
        try {
            MqttClient client = new MqttClient("tcp://127.0.0.1:1883", topic + "-publisher", new MemoryPersistence());
            client.connect();
            for (long id = 1; id <= MESSAGES; id++) {
                publish(client, SampleData.jsonLine(id).getBytes(StandardCharsets.UTF_8));
            }
            client.disconnect();
            client.close();

            assertAllArrive(process);
        } finally {
            process.destroyForcibly();
        }
    }

    /** QoS 1; the broker lets a client have only so many publishes unacknowledged (its receive maximum). */
    private void publish(MqttClient client, byte[] payload) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                client.publish(topic, payload, 1, false);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT || attempt == 1000) {
                    throw e;
                }
                Thread.sleep(5); // back off until the broker acknowledges earlier publishes
            }
        }
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

    private void assertAllArrive(Process process) throws Exception {
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("exits once idle").isTrue();
        assertThat(Databases.count(TestPostgres.url(), "postgres", "", "SELECT COUNT(*) FROM " + table())).isEqualTo(MESSAGES);
        assertThat(Files.readString(dir.resolve("jar.log"))).contains(MESSAGES + " records read, " + MESSAGES + " rows written");
    }

    /** A table of this test's own. */
    private String table() {
        return topic.replace('-', '_');
    }

    /** The jar, subscribed and ready before the test publishes: these messages are not kept for a subscriber to come. */
    private Process start(String sourceUri) throws Exception {
        Databases.recreateOrdersTable(table(), true);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcamel.main.duration-max-idle-seconds=4",
                "-Dsource.uri=" + sourceUri,
                "-Dsource.format=jsonl",
                "-Dcamel.management.port=" + managementPort,
                "-Dsink.jdbc.url=" + TestPostgres.url(),
                "-Dsink.jdbc.username=postgres",
                "-Dsink.jdbc.table=" + table(),
                "-Dsink.jdbc.init-script=",
                "-Ddeadletter.uri=file:" + dir.resolve("deadletter") + "?fileName=rejected.jsonl&fileExist=Append",
                "-Dexamples.dir=" + dir.resolve("examples"),
                "-jar", Path.of("target/batch-pipeline.jar").toAbsolutePath().toString()));
        Process process = new ProcessBuilder(command).directory(new File(".")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("jar.log").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> ready() || !process.isAlive());
        assertThat(process.isAlive()).as(Files.readString(dir.resolve("jar.log"))).isTrue();
        return process;
    }

    private boolean ready() {
        try {
            return Management.get(managementPort, "/observe/health/ready").statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
