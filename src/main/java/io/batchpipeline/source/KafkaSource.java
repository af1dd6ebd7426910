package io.batchpipeline.source;

import java.util.Collection;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaConsumer;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.support.LifecycleStrategySupport;

/**
 * Sets up a {@code kafka:} source so that an offset is committed only once its record is written
 * ({@link KafkaOffsets}), whatever the URI says about commits; a plain {@code kafka:orders?brokers=..&groupId=..} is
 * safe. Options the URI names itself are kept, except those that would commit before the write.
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
        if (configuration.isBatching()) {
            throw new IllegalArgumentException("remove batching=true from the kafka: URI: the pipeline batches records itself,"
                    + " and commits each offset once its record is written");
        }
        configuration.setAutoCommitEnable(false);
        configuration.setAllowManualCommit(false);
        // a group's first start reads what was sent before it, or records sent while its first run was down would be skipped
        if (!SourceUri.names(endpoint, "autoOffsetReset")) {
            configuration.setAutoOffsetReset("earliest");
        }
        // commits are made after each poll: an idle consumer still commits (and a stop finishes) within this
        if (!SourceUri.names(endpoint, "pollTimeoutMs")) {
            configuration.setPollTimeoutMs(500L);
        }
        // a record whose exchange fails is read again from the last commit rather than skipped
        configuration.setBreakOnFirstError(true);
        KafkaOffsets offsets = new KafkaOffsets();
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            /** The route's consumer exists now and has not started: the only moment to give it the listener. */
            @Override
            public void onRoutesAdd(Collection<Route> routes) {
                for (Route route : routes) {
                    if (route.getEndpoint() == endpoint && route.getConsumer() instanceof KafkaConsumer consumer) {
                        consumer.setConsumerListener(new KafkaCommitListener(offsets));
                        route.addService(offsets);
                    }
                }
            }
        });
        return offsets;
    }
}
