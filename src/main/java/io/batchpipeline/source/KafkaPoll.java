package io.batchpipeline.source;

import java.util.List;

import io.batchpipeline.record.SourceReceipt;
import org.apache.camel.Exchange;

/**
 * The records of one Kafka poll, which camel-kafka's {@code batching=true} hands on as one exchange whose body lists an
 * exchange per record ({@link KafkaSource} turns it on): one exchange per record was what bounded a topic of one-record
 * messages, the route's own work per exchange.
 *
 * <p>The reader opens them in order; where each sits and the receipt of its records are kept here, on the poll's
 * exchange, for the last step ({@code AwaitWrittenStep}), which commits each offset once its records are written. An
 * exchange property per record (a map each) and its place read from its headers twice were a sixth of a Kafka
 * consumer's time with one record per message.
 */
public final class KafkaPoll {

    private static final String PROPERTY = "batchPipelineKafkaPoll";

    private final List<Exchange> records;
    private final KafkaOffsets.Position[] positions;
    private final SourceReceipt[] receipts;
    /** Records opened so far; only the consumer's thread reads and writes them, first the reader, then the last step. */
    private int opened;

    private KafkaPoll(List<Exchange> records) {
        this.records = records;
        this.positions = new KafkaOffsets.Position[records.size()];
        this.receipts = new SourceReceipt[records.size()];
    }

    /** The poll an exchange of Kafka's carries (a batch, or one record), kept on it for the last step. */
    static KafkaPoll start(Exchange exchange) {
        KafkaPoll poll = new KafkaPoll(exchange.getMessage().getBody() instanceof List<?> batch ? records(batch) : List.of(exchange));
        exchange.setProperty(PROPERTY, poll);
        return poll;
    }

    /** The poll the reader found on the exchange, or null when it read none. */
    public static KafkaPoll of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, KafkaPoll.class);
    }

    @SuppressWarnings("unchecked") // camel-kafka's batch body is a List<Exchange>
    private static List<Exchange> records(List<?> batch) {
        return (List<Exchange>) batch;
    }

    List<Exchange> records() {
        return records;
    }

    /** The reader opened the next record, whose records report to {@code receipt}; returns where it sits, or null. */
    KafkaOffsets.Position opened(Exchange record, SourceReceipt receipt) {
        int i = opened++;
        if (records.get(i) != record) {
            throw new IllegalStateException("the records of a Kafka poll were opened out of order");
        }
        positions[i] = KafkaOffsets.Position.of(record);
        receipts[i] = receipt;
        return positions[i];
    }

    public int size() {
        return records.size();
    }

    /** Where record {@code i} sits, or null for a record without Kafka's headers. */
    public KafkaOffsets.Position position(int i) {
        return i < opened ? positions[i] : KafkaOffsets.Position.of(records.get(i));
    }

    /** The receipt of record {@code i}'s records; null when the reader did not get to it. */
    public SourceReceipt receipt(int i) {
        return i < opened ? receipts[i] : null;
    }
}
