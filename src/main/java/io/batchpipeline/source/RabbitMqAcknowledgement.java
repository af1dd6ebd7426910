package io.batchpipeline.source;

import java.io.IOException;

import com.rabbitmq.client.Channel;
import io.batchpipeline.common.Errors;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;

/**
 * Acknowledges a RabbitMQ message ({@code spring-rabbitmq:} source) when its exchange completes, that is once its
 * records are written (with the durable buffer: stored), and returns it to the queue when the exchange fails. The
 * consumer is made asynchronous with manual acknowledgement, so it takes the next message while earlier ones wait
 * for their batch: up to {@code prefetch} messages are in flight, and records of many messages share a batch.
 *
 * <p>Camel's own modes do not do this: the default acknowledges when the route returns (before the batch is
 * written), and its failure path without a recoverer acknowledges and drops a message after five attempts.
 */
public final class RabbitMqAcknowledgement extends SynchronizationAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqAcknowledgement.class);

    private final Channel channel;
    private final long deliveryTag;

    private RabbitMqAcknowledgement(Channel channel, long deliveryTag) {
        this.channel = channel;
        this.deliveryTag = deliveryTag;
    }

    /**
     * Sets up a {@code spring-rabbitmq:} endpoint this way before its consumer starts; other endpoints are left as they are.
     *
     * @param prefetch messages in flight, unless the URI names its own {@code prefetchCount}
     */
    public static void configure(Endpoint endpoint, long prefetch) {
        if (endpoint instanceof SpringRabbitMQEndpoint rabbit) {
            rabbit.setAsyncConsumer(true);
            rabbit.setAcknowledgeMode(AcknowledgeMode.MANUAL);
            if (!SourceUri.names(endpoint, "prefetchCount")) {
                rabbit.setPrefetchCount((int) Math.min(prefetch, 65_535)); // AMQP's prefetch is an unsigned short
            }
        }
    }

    /** Whether messages from this endpoint are acknowledged when their exchange completes, as {@link #configure} sets up. */
    public static boolean acknowledgesOnCompletion(Endpoint endpoint) {
        return endpoint instanceof SpringRabbitMQEndpoint rabbit && rabbit.isAsyncConsumer() && rabbit.getAcknowledgeMode() == AcknowledgeMode.MANUAL;
    }

    /** Called as a message enters the pipeline: it is acknowledged, or returned, when its exchange completes. */
    static void install(Exchange exchange) {
        Channel channel = exchange.getProperty(SpringRabbitMQConstants.CHANNEL, Channel.class);
        Long tag = exchange.getMessage().getHeader(SpringRabbitMQConstants.DELIVERY_TAG, Long.class);
        if (channel != null && tag != null && acknowledgesOnCompletion(exchange.getFromEndpoint())) {
            exchange.getExchangeExtension().addOnCompletion(new RabbitMqAcknowledgement(channel, tag));
        }
    }

    @Override
    public void onComplete(Exchange exchange) {
        try {
            channel.basicAck(deliveryTag, false);
        } catch (IOException | RuntimeException e) {
            // the channel is gone (a stop closes it while messages wait for their records): the broker redelivers the
            // message, whose records are written or stored; with an id, a stored one resumes after them
            BrokerMessage.notAcknowledged(exchange);
            LOG.warn("cannot acknowledge message {}: {}; the broker will deliver it again", deliveryTag, Errors.describe(e));
        }
    }

    @Override
    public void onFailure(Exchange exchange) {
        LOG.warn("message {} could not be taken ({}); it goes back to the queue", deliveryTag, Errors.describe(exchange.getException()));
        try {
            channel.basicNack(deliveryTag, false, true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot return message {}: {}; the broker will deliver it again", deliveryTag, Errors.describe(e));
        }
    }
}
