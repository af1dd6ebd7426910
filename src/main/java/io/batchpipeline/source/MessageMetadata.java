package io.batchpipeline.source;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.batchpipeline.record.MessageFields;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsConstants;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.nats.NatsConstants;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;

/**
 * Which of a message's metadata a pipeline adds to each of its records, and as which field ({@code source.metadata},
 * {@code name:field,...}). The fields then go to columns like any other, so that, say, an upsert keyed on a Kafka
 * record's topic, partition and offset loads each record once however often it is read. Read from the headers
 * Camel's components set; a value the message does not have is null.
 */
public final class MessageMetadata {

    public static final MessageMetadata NONE = new MessageMetadata(List.of());

    private static final String HEADER = "header.";

    /** The names a user can ask for, and where each is found. */
    private static final Map<String, Function<Message, Object>> NAMED = new LinkedHashMap<>();

    static {
        NAMED.put("topic", message -> text(firstHeader(message, KafkaConstants.TOPIC, PahoMqtt5Constants.MQTT_TOPIC,
                NatsConstants.NATS_SUBJECT, SpringRabbitMQConstants.ROUTING_KEY)));
        NAMED.put("partition", message -> whole(message.getHeader(KafkaConstants.PARTITION)));
        NAMED.put("offset", message -> whole(message.getHeader(KafkaConstants.OFFSET)));
        NAMED.put("key", message -> text(message.getHeader(KafkaConstants.KEY)));
        NAMED.put("timestamp", MessageMetadata::timestamp);
        NAMED.put("message-id", message -> text(firstHeader(message, SpringRabbitMQConstants.MESSAGE_ID, JmsConstants.JMS_HEADER_MESSAGE_ID)));
        NAMED.put("file", message -> message.getHeader(Exchange.FILE_NAME, String.class));
    }

    private record Item(String field, Function<Message, Object> value) {
    }

    private final List<Item> items;

    private MessageMetadata(List<Item> items) {
        this.items = items;
    }

    /**
     * @param spec {@code name:field,...}, or a bare name for a field of the same name ({@code header.x} alone: {@code x})
     * @throws IllegalArgumentException naming the entry at fault
     */
    public static MessageMetadata parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        List<Item> items = new ArrayList<>();
        Set<String> fields = new HashSet<>();
        for (String entry : spec.split(",")) {
            String[] parts = entry.trim().split(":", -1);
            String name = parts[0].trim();
            String field = parts.length == 2 ? parts[1].trim() : name.startsWith(HEADER) ? name.substring(HEADER.length()) : name;
            if (parts.length > 2 || name.isEmpty() || field.isEmpty()) {
                throw new IllegalArgumentException("'" + entry.trim() + "' is not of the form name:field");
            }
            if (!fields.add(field)) {
                throw new IllegalArgumentException("two entries make the field '" + field + "'");
            }
            items.add(new Item(field, valueOf(name)));
        }
        return new MessageMetadata(List.copyOf(items));
    }

    private static Function<Message, Object> valueOf(String name) {
        if (name.startsWith(HEADER) && name.length() > HEADER.length()) {
            String header = name.substring(HEADER.length());
            return message -> text(message.getHeader(header));
        }
        Function<Message, Object> value = NAMED.get(name);
        if (value == null) {
            throw new IllegalArgumentException("'" + name + "' is not message metadata; known: " + String.join(", ", NAMED.keySet())
                    + ", header.<name>");
        }
        return value;
    }

    /** This message's fields, in the order configured. */
    public MessageFields of(Exchange exchange) {
        if (items.isEmpty()) {
            return MessageFields.NONE;
        }
        Message message = exchange.getMessage();
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Item item : items) {
            fields.put(item.field(), item.value().apply(message));
        }
        return new MessageFields(fields);
    }

    private static Object firstHeader(Message message, String... names) {
        for (String name : names) {
            Object value = message.getHeader(name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** A header's value as text: Kafka headers arrive as bytes, which are read as UTF-8. */
    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
    }

    private static Long whole(Object value) {
        return value instanceof Number number ? number.longValue() : null;
    }

    /** When the broker or publisher says the message was made (Kafka, JMS, RabbitMQ), as ISO-8601 in UTC. */
    private static String timestamp(Message message) {
        long millis = message.getMessageTimestamp();
        if (millis == 0 && message.getHeader(SpringRabbitMQConstants.TIMESTAMP) instanceof Date date) {
            millis = date.getTime();
        }
        return millis == 0 ? null : Instant.ofEpochMilli(millis).toString();
    }
}
