package io.batchpipeline.source;

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

    /** Delivered before, and not acknowledged then: the consumer that had it died, or returned it. */
    public static boolean redelivered(Exchange exchange) {
        return Boolean.TRUE.equals(exchange.getMessage().getHeader(SpringRabbitMQConstants.REDELIVERED, Boolean.class));
    }
}
