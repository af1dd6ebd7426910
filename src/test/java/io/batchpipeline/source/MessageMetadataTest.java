package io.batchpipeline.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.batchpipeline.record.MessageFields;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.SourceRecord;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class MessageMetadataTest {

    private final Exchange kafkaRecord = new DefaultExchange(new DefaultCamelContext());

    MessageMetadataTest() {
        kafkaRecord.getMessage().setHeader(KafkaConstants.TOPIC, "orders");
        kafkaRecord.getMessage().setHeader(KafkaConstants.PARTITION, 2);
        kafkaRecord.getMessage().setHeader(KafkaConstants.OFFSET, 41L);
        kafkaRecord.getMessage().setHeader(KafkaConstants.KEY, "o-7");
        kafkaRecord.getMessage().setHeader(Exchange.MESSAGE_TIMESTAMP, 1_764_460_800_123L);
        kafkaRecord.getMessage().setHeader("tenant", "acme".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void takesTheNamedMetadataAndHeadersAsFieldsInTheOrderConfigured() {
        MessageMetadata metadata = MessageMetadata.parse("offset:kafka_offset, topic, partition, key:k, timestamp:sent_at, header.tenant, message-id");

        Map<String, Object> fields = metadata.of(kafkaRecord).asMap();

        assertThat(fields.keySet()).containsExactly("kafka_offset", "topic", "partition", "k", "sent_at", "tenant", "message-id");
        assertThat(new ArrayList<>(fields.values())).containsExactly(41L, "orders", 2L, "o-7", "2025-11-30T00:00:00.123Z", "acme", null);
    }

    @Test
    void aRecordCarriesTheFieldsAfterItsOwnAndTheyReplaceAFieldOfTheSameName() {
        MessageFields fields = MessageMetadata.parse("offset:id,header.tenant").of(kafkaRecord);
        RecordFormat format = fields.addTo(JsonRecordFormat.STANDARD);

        ParsedRecord record = format.parse("{\"id\":1,\"customer\":\"Ada\"}");

        assertThat(record.asMap()).containsExactly(Map.entry("id", 41L), Map.entry("customer", "Ada"), Map.entry("tenant", "acme"));
        assertThat(fields.addTo(JsonRecordFormat.STANDARD)).as("one format per message and inner format").isSameAs(format);
    }

    @Test
    void theDurableBufferRestoresTheFieldsWithTheFormat() {
        RecordFormat csv = CsvRecordFormat.withHeader(CsvRecordFormat.csv(';'), "id;customer");
        RecordFormat format = MessageMetadata.parse("topic,offset,timestamp").of(kafkaRecord).addTo(csv);

        RecordFormat restored = RecordFormats.ofSpec(format.spec());

        assertThat(restored.parse("1;Ada").asMap()).isEqualTo(format.parse("1;Ada").asMap())
                .containsEntry("offset", 41L).containsEntry("customer", "Ada");
        assertThat(restored.csvLayout()).as("not passed through: the fields are not in the text").isNull();
        List<SourceRecord> batch = List.of(new SourceRecord("s", 1, "2;Bob", restored, null));
        assertThat(((ParsedRecord) RecordFormat.parseBatch(batch)[0]).asMap()).containsEntry("topic", "orders").containsEntry("id", "2");
    }

    @Test
    void anUnknownNameOrAFieldMadeTwiceIsRefusedNamingTheEntry() {
        assertThatThrownBy(() -> MessageMetadata.parse("topic,offest")).hasMessageContaining("'offest' is not message metadata")
                .hasMessageContaining("header.<name>");
        assertThatThrownBy(() -> MessageMetadata.parse("topic:t,key:t")).hasMessageContaining("two entries make the field 't'");
        assertThatThrownBy(() -> MessageMetadata.parse("topic:")).hasMessageContaining("'topic:' is not of the form name:field");
    }

    @Test
    void withoutMetadataRecordsKeepTheirFormat() {
        assertThat(MessageMetadata.parse(" ").of(kafkaRecord)).isSameAs(MessageFields.NONE);
        assertThat(MessageFields.NONE.addTo(JsonRecordFormat.STANDARD)).isSameAs(JsonRecordFormat.STANDARD);
    }
}
