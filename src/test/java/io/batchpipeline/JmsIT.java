package io.batchpipeline;

import java.util.List;

import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TestArtemis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JMS, a queue on an Artemis broker started in this JVM, read as the docs' recipe says: a message is acknowledged only
 * once its record is written (in memory) or stored (durable), so after the kills every record is there and the queue
 * is empty.
 */
class JmsIT extends KilledWhileConsuming {

    @ParameterizedTest(name = "batch.durable={0}")
    @ValueSource(booleans = {true, false})
    void afterRepeatedKillsEveryRecordIsThereAndTheQueueIsEmpty(boolean durable) throws Exception {
        killThreeTimesThenRunToTheEnd("JMS", durable, 6_000, 500);
    }

    @Override
    protected void send(int total) throws Exception {
        TestArtemis.send(name, 1, total, SampleData::jsonLine);
    }

    @Override
    protected List<String> sourceOptions() {
        return List.of("-Dsource.uri=jms:queue:" + name,
                "-Dcamel.beans.artemis=#class:org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory",
                "-Dcamel.beans.artemis.brokerURL=" + TestArtemis.url(),
                "-Dcamel.component.jms.connection-factory=#bean:artemis");
    }

    @Override
    protected long leftOnTheBus() {
        return TestArtemis.messageCount(name);
    }
}
