package io.batchpipeline.source;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.nats.NatsConstants;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;

/** What the broker tells about a message it delivered (RabbitMQ's message id, Kafka's or JetStream's place in its log). */
public final class BrokerMessage {

    private BrokerMessage() {
    }

    /**
     * The id its publisher gave it (AMQP's message-id property), or a JetStream message's stream and sequence, which
     * the stream never gives another message; or null.
     */
    public static String id(Exchange exchange) {
        String id = exchange.getMessage().getHeader(SpringRabbitMQConstants.MESSAGE_ID, String.class);
        return id != null ? id : jetStreamPosition(exchange.getMessage().getHeader(NatsConstants.NATS_REPLY_TO, String.class));
    }

    /**
     * How logs and dead letters name it: its id, or its topic, partition and offset (Kafka), or its stream and sequence
     * (JetStream), or null. Not a resume key: a Kafka record is read again from its partition's committed offset,
     * never resumed within.
     */
    public static String identity(Exchange exchange) {
        Object offset = exchange.getMessage().getHeader(KafkaConstants.OFFSET);
        if (offset != null) {
            return exchange.getMessage().getHeader(KafkaConstants.TOPIC) + "-" + exchange.getMessage().getHeader(KafkaConstants.PARTITION) + "@" + offset;
        }
        return id(exchange);
    }

    /**
     * A JetStream message's stream and sequence, read from its acknowledgement subject, which camel-nats hands on as
     * the reply subject: {@code $JS.ACK.<stream>.<consumer>.<delivered>.<stream sequence>.<consumer sequence>.<time>.<pending>},
     * or with a domain and an account hash after {@code ACK} (11 or 12 tokens). Null for anything else. The sequence
     * finds the message in its stream (for example {@code nats stream get <stream> <sequence>}).
     */
    static String jetStreamPosition(String replyTo) {
        if (replyTo == null || !replyTo.startsWith("$JS.ACK.")) {
            return null;
        }
        String[] tokens = replyTo.split("\\.");
        int stream = tokens.length == 9 ? 2 : tokens.length == 11 || tokens.length == 12 ? 4 : -1;
        return stream < 0 ? null : tokens[stream] + " sequence " + tokens[stream + 3];
    }

    /**
     * Whether the source takes the completion of a message's exchange as its acknowledgement, later and on another
     * thread: RabbitMQ, MQTT and JMS consumers as {@link RabbitMqAcknowledgement}, {@link MqttSource} and
     * {@link JmsAcknowledgement} set them up, and the pipeline's JetStream consumer.
     */
    public static boolean acknowledgedOnCompletion(Endpoint endpoint) {
        return RabbitMqAcknowledgement.acknowledgesOnCompletion(endpoint) || MqttSource.acknowledgesOnCompletion(endpoint)
                || JmsAcknowledgement.acknowledgesOnCompletion(endpoint) || NatsSource.acknowledgesOnCompletion(endpoint);
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

    private static final String DELIVERED_BEFORE = "batchPipelineDeliveredBefore";

    /** Marks an exchange whose message the broker says it delivered before (a JetStream message's delivery count). */
    public static void deliveredBefore(Exchange exchange) {
        exchange.setProperty(DELIVERED_BEFORE, true);
    }

    /** Delivered before, and not acknowledged then: the consumer that had it died, or returned it. */
    public static boolean redelivered(Exchange exchange) {
        return Boolean.TRUE.equals(exchange.getMessage().getHeader(SpringRabbitMQConstants.REDELIVERED, Boolean.class))
                || exchange.getProperty(DELIVERED_BEFORE, false, Boolean.class);
    }
}
