package io.batchpipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.batchpipeline.support.MqttTopic;
import io.batchpipeline.support.TestMqttBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MQTT 5, a topic on a broker started in this JVM, read as the docs' recipe says (QoS 1, a persistent session): a
 * message is acknowledged only once its record is written (in memory) or stored (durable), and the broker keeps the
 * session's unacknowledged messages across the kills, so every record is there and the broker holds nothing at the end.
 */
class MqttIT extends KilledWhileConsuming {

    private final MqttTopic topic = new MqttTopic(TestMqttBroker.url(), name);

    @AfterEach
    void endSession() throws Exception {
        topic.endSession();
    }

    @ParameterizedTest(name = "batch.durable={0}")
    @ValueSource(booleans = {true, false})
    void afterRepeatedKillsEveryRecordIsThereAndTheBrokerHoldsNothing(boolean durable) throws Exception {
        killThreeTimesThenRunToTheEnd("MQTT", durable, 6_000, 500);
        assertThat(TestMqttBroker.droppedMessages()).as("none dropped by the broker").isZero();
    }

    /** Published before the jar first connects: its session is made first, so the broker keeps them for it. */
    @Override
    protected void send(int total) throws Exception {
        topic.keepSessionForThePipeline();
        topic.publishPipelined(total);
    }

    @Override
    protected List<String> sourceOptions() {
        // HiveMQ sends a client at most 50 messages it has not acknowledged: batches hold 50 records, and close on time
        return List.of("-Dsource.uri=" + topic.sourceUri(), "-Dbatch.timeout=20");
    }

    @Override
    protected long leftOnTheBus() {
        return TestMqttBroker.queuedBytes();
    }
}
