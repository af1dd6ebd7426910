package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchpipeline.record.FlushReason;
import io.batchpipeline.support.Databases;
import io.batchpipeline.support.MqttTopic;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TestMqttBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT 5 ({@code paho-mqtt5:}) as a source, configured by its URI alone as the docs' recipe does, on a real broker
 * started in this JVM.
 */
class MqttSourceTest {

    @TempDir
    Path dir;

    private final MqttTopic topic = new MqttTopic(TestMqttBroker.url(), "orders-" + System.nanoTime());

    @AfterEach
    void endSession() throws Exception {
        topic.endSession();
    }

    @Test
    void oneRecordPerMessageFillsSharedBatchesAndABadMessageIsOneDeadLetterNamingItsTopic() throws Exception {
        topic.keepSessionForThePipeline();
        topic.publishPipelined(1, 3_000, id -> id == 7 ? new byte[0] : SampleData.jsonLine(id).getBytes(StandardCharsets.UTF_8));
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.format", "jsonl");
        settings.put("source.uri", topic.sourceUri());
        // HiveMQ sends a client at most 50 messages it has not acknowledged: batches hold 50 records, and close on time
        settings.put("batch.timeout", "20");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            await().atMost(Duration.ofSeconds(120)).until(() -> pipeline.stats().rowsWritten() == 2_999 && pipeline.stats().recordsRejected() == 1);
            assertThat(Databases.count(settings.get("sink.jdbc.url"), "sa", "", "SELECT COUNT(DISTINCT id) FROM orders")).isEqualTo(2_999);
            assertThat(pipeline.stats().batches(FlushReason.SIZE) + pipeline.stats().batches(FlushReason.TIMEOUT))
                    .as("records of many messages share a batch").isLessThan(100);
            await("every message acknowledged").atMost(Duration.ofSeconds(30)).until(() -> TestMqttBroker.queuedBytes() == 0);
        }
        List<JsonNode> rejected = SampleData.readJsonLines(dir.resolve("deadletter/rejected.jsonl"));
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).get("source").asText()).startsWith("paho-mqtt5://" + topic.name() + "?");
        assertThat(rejected.get(0).get("reason").asText()).contains("the body is empty");
    }
}
