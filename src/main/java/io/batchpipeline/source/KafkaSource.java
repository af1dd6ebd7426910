package io.batchpipeline.source;

import io.batchpipeline.common.SourceRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaConsumer;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Sets up a {@code kafka:} source so that an offset is committed only once its record is written
 * ({@link KafkaOffsets}), whatever the URI says about commits; a plain {@code kafka:orders?brokers=..&groupId=..} is
 * safe. The records of a poll come as one exchange ({@link KafkaPoll}). Options the URI names itself are kept, except
 * those that would commit before the write, or hand on one record per exchange.
 */
public final class KafkaSource {

    private KafkaSource() {
    }

    /**
     * @return the offsets to report written records to, or null when the endpoint is not Kafka's
     * @throws IllegalArgumentException for a URI that cannot be consumed safely, saying what to change
     */
    public static KafkaOffsets configure(CamelContext context, Endpoint endpoint) {
        if (!(endpoint instanceof KafkaEndpoint kafka)) {
            return null;
        }
        KafkaConfiguration configuration = kafka.getConfiguration();
        if (configuration.getGroupId() == null || configuration.getGroupId().isBlank()) {
            throw new IllegalArgumentException("a kafka: source needs a consumer group (groupId=... in the URI, or"
                    + " camel.component.kafka.group-id): without one each start is a new group and reads from the end");
        }
        configuration.setAutoCommitEnable(false);
        configuration.setAllowManualCommit(false);
        // a group's first start reads what was sent before it, or records sent while its first run was down would be skipped
        if (!SourceUri.names(endpoint, "autoOffsetReset")) {
            configuration.setAutoOffsetReset("earliest");
        }
        // one exchange per poll, not per record: the route's work per exchange was what bounded one-record messages.
        // camel-kafka then hands on a poll's records at the next poll (an interval of 0), whose timeout is how long the
        // last records of a burst wait; commits are made after each poll too, so an idle consumer commits within it
        configuration.setBatching(true);
        if (configuration.getMaxPollRecords() == null) { // Kafka's own default, which camel-kafka's batching needs set
            configuration.setMaxPollRecords(500);
        }
        if (!SourceUri.names(endpoint, "batchingIntervalMs")) {
            configuration.setBatchingIntervalMs(0);
        }
        if (!SourceUri.names(endpoint, "pollTimeoutMs")) {
            configuration.setPollTimeoutMs(100L);
        }
        // the reader takes bytes: a String value was decoded by the consumer only to be encoded again, which was most of
        // the consumer thread's time with large messages
        if (!SourceUri.names(endpoint, "valueDeserializer")) {
            configuration.setValueDeserializer(ByteArrayDeserializer.class.getName());
        }
        // a record whose exchange fails is read again from the last commit rather than skipped
        configuration.setBreakOnFirstError(true);
        KafkaOffsets offsets = new KafkaOffsets();
        // the route's consumer exists now and has not started: the only moment to give it the listener
        SourceRoutes.onAdd(context, endpoint, route -> {
            if (route.getConsumer() instanceof KafkaConsumer consumer) {
                consumer.setConsumerListener(new KafkaCommitListener(offsets));
                route.addService(offsets);
            }
        });
        return offsets;
    }
}
