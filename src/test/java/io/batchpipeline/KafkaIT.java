package io.batchpipeline;

import java.util.List;

import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TestKafka;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kafka, a topic of three partitions on a broker started in this JVM: an offset is committed only once its record is
 * written (in memory) or stored (durable), so after the kills every record is there and the group's lag is zero.
 */
class KafkaIT extends KilledWhileConsuming {

    @ParameterizedTest(name = "batch.durable={0}")
    @ValueSource(booleans = {true, false})
    void afterRepeatedKillsEveryRecordIsThereAndTheGroupHasNoLag(boolean durable) throws Exception {
        TestKafka.createTopic(name, 3);
        killThreeTimesThenRunToTheEnd("Kafka", durable, 30_000, 2_000);
    }

    @Override
    protected void send(int total) {
        TestKafka.send(name, 1, total, SampleData::jsonLine);
    }

    /** The group's smallest session timeout: a killed consumer's partitions go to the next run after 6 s, not 45. */
    @Override
    protected List<String> sourceOptions() {
        return List.of("-Dsource.uri=kafka:" + name + "?brokers=" + TestKafka.bootstrapServers() + "&groupId=" + name + "&sessionTimeoutMs=6000");
    }

    @Override
    protected long leftOnTheBus() {
        return TestKafka.lag(name, name);
    }
}
