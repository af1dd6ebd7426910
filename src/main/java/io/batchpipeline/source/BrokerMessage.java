package io.batchpipeline.source;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;

/** What the broker tells about a message it delivered (RabbitMQ's message id, Kafka's place in its topic). */
public final class BrokerMessage {

    private BrokerMessage() {
    }

    /** The id its publisher gave it (AMQP's message-id property), or null. */
    public static String id(Exchange exchange) {
        return exchange.getMessage().getHeader(SpringRabbitMQConstants.MESSAGE_ID, String.class);
    }

    /**
     * How logs and dead letters name it: its id, or its topic, partition and offset (Kafka), or null. Not a resume key:
     * a Kafka record is read again from its partition's committed offset, never resumed within.
     */
    public static String identity(Exchange exchange) {
        Object offset = exchange.getMessage().getHeader(KafkaConstants.OFFSET);
        if (offset != null) {
            return exchange.getMessage().getHeader(KafkaConstants.TOPIC) + "-" + exchange.getMessage().getHeader(KafkaConstants.PARTITION) + "@" + offset;
        }
        return id(exchange);
    }

    /**
     * Whether the source takes the completion of a message's exchange as its acknowledgement, later and on another
     * thread: RabbitMQ, MQTT and JMS consumers as {@link RabbitMqAcknowledgement}, {@link MqttSource} and
     * {@link JmsAcknowledgement} set them up.
     */
    public static boolean acknowledgedOnCompletion(Endpoint endpoint) {
        return RabbitMqAcknowledgement.acknowledgesOnCompletion(endpoint) || MqttSource.acknowledgesOnCompletion(endpoint)
                || JmsAcknowledgement.acknowledgesOnCompletion(endpoint);
    }

    private static final String NOT_ACKNOWLEDGED = "batchPipelineNotAcknowledged";

    /** Marks an exchange whose message could not be acknowledged: the broker delivers it again. */
    static void notAcknowledged(Exchange exchange) {
        exchange.setProperty(NOT_ACKNOWLEDGED, true);
    }

    /**
     * Runs {@code then} once the exchange's message is acknowledged, which for RabbitMQ can be after its exchange
     * completes (at once for sources that need no acknowledgement); never if it could not be: the broker delivers it again.
     */
    public static void whenAcknowledged(Exchange exchange, Runnable then) {
        if (!RabbitMqAcknowledgement.whenAcknowledged(exchange, then) && !exchange.getProperty(NOT_ACKNOWLEDGED, false, Boolean.class)) {
            then.run();
        }
    }

    /** Delivered before, and not acknowledged then: the consumer that had it died, or returned it. */
    public static boolean redelivered(Exchange exchange) {
        return Boolean.TRUE.equals(exchange.getMessage().getHeader(SpringRabbitMQConstants.REDELIVERED, Boolean.class));
    }
}
