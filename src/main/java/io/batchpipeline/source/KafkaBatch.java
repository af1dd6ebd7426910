package io.batchpipeline.source;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaEndpoint;

/**
 * The records of one Kafka poll, which camel-kafka's {@code batching=true} hands on as one exchange whose body lists
 * an exchange per record ({@link KafkaSource} turns it on): one exchange per record was what bounded a topic of
 * one-record messages, the route's own work per exchange.
 */
public final class KafkaBatch {

    private KafkaBatch() {
    }

    /** The exchange's Kafka records, each an exchange with its own headers; null when it is not a Kafka batch. */
    public static List<Exchange> records(Exchange exchange) {
        if (!(exchange.getFromEndpoint() instanceof KafkaEndpoint) || !(exchange.getMessage().getBody() instanceof List<?> body)) {
            return null;
        }
        @SuppressWarnings("unchecked") // camel-kafka's batch body is a List<Exchange>
        List<Exchange> records = (List<Exchange>) body;
        return records;
    }

    /** The Kafka records an exchange carries: those of a batch, or the exchange itself. */
    public static List<Exchange> recordsOf(Exchange exchange) {
        List<Exchange> records = records(exchange);
        return records != null ? records : List.of(exchange);
    }
}
