package io.batchpipeline.source;

import org.apache.camel.Exchange;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;

/** What the broker tells about a message it delivered (RabbitMQ, {@code spring-rabbitmq:}). */
public final class BrokerMessage {

    private BrokerMessage() {
    }

    /** The id its publisher gave it (AMQP's message-id property), or null. */
    public static String id(Exchange exchange) {
        return exchange.getMessage().getHeader(SpringRabbitMQConstants.MESSAGE_ID, String.class);
    }

    /** Delivered before, and not acknowledged then: the consumer that had it died, or returned it. */
    public static boolean redelivered(Exchange exchange) {
        return Boolean.TRUE.equals(exchange.getMessage().getHeader(SpringRabbitMQConstants.REDELIVERED, Boolean.class));
    }
}
