package io.batchpipeline.source;

import org.apache.camel.Endpoint;
import org.apache.camel.component.nats.NatsConfiguration;
import org.apache.camel.component.nats.NatsEndpoint;

/**
 * Sets up a {@code nats:} source. camel-nats 4.17 sends the exchange's body as a reply to any message that has a reply
 * subject; a JetStream message's reply subject is its acknowledgement subject, so that reply acknowledged each message
 * when handed over. Replies are turned off: a JetStream message is then acknowledged when its route returns (with the
 * durable buffer, once its records are stored). Its pull mode never pulls, so JetStream is consumed by push.
 */
public final class NatsSource {

    private NatsSource() {
    }

    /** @throws IllegalArgumentException for a JetStream URI that would read nothing, or read its stream again at every start */
    public static void configure(Endpoint endpoint) {
        if (!(endpoint instanceof NatsEndpoint nats)) {
            return;
        }
        NatsConfiguration configuration = nats.getConfiguration();
        configuration.setReplyToDisabled(true);
        if (!configuration.isJetstreamEnabled()) {
            return;
        }
        if (configuration.isPullSubscription() && SourceUri.names(endpoint, "pullSubscription")) {
            throw new IllegalArgumentException("pullSubscription=true reads nothing: camel-nats 4.17 subscribes but never pulls;"
                    + " leave it out, and the pipeline consumes JetStream by push");
        }
        if (configuration.getDurableName() == null || configuration.getDurableName().isBlank()) {
            throw new IllegalArgumentException("a JetStream source needs a durableName (&durableName=orders-loader): without one"
                    + " each start makes a new consumer, which reads the stream again from its start");
        }
        configuration.setPullSubscription(false);
    }
}
