package io.batchpipeline.source;

import org.apache.camel.component.kafka.consumer.errorhandler.KafkaConsumerListener;
import org.apache.camel.component.kafka.consumer.support.ProcessingResult;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * camel-kafka's hook on the consumer's own thread after every poll, including empty ones: the only thread that may
 * use the Kafka consumer, so it is where {@link KafkaOffsets} commits.
 */
final class KafkaCommitListener extends KafkaConsumerListener {

    private final KafkaOffsets offsets;

    KafkaCommitListener(KafkaOffsets offsets) {
        this.offsets = offsets;
    }

    @Override
    public boolean afterConsume(Object consumer) {
        offsets.commit((Consumer<?, ?>) consumer);
        return true;
    }

    /**
     * Carries on after a failed record instead of pausing as the parent does (it would need a resumable route):
     * with {@code breakOnFirstError}, which {@link KafkaSource} sets, camel-kafka reads again from the last commit.
     */
    @Override
    public boolean afterProcess(ProcessingResult result) {
        return true;
    }
}
