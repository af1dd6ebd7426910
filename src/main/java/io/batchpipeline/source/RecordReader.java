package io.batchpipeline.source;

import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.Iterator;
import java.util.List;

import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.record.SourceRecord;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.support.ExpressionAdapter;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline's reader: turns a message body (a whole file, one bus message, or the records of a Kafka poll) into a
 * lazy stream of record chunks. The route's split EIP iterates it in streaming mode, so a large file is read a chunk at a time.
 * It is the split's expression itself ({@code ref} language): the bean language copies the exchange's headers and
 * resolves the method on every call, and with the aggregator's two such calls took 116 of 332 JFR samples of a RabbitMQ
 * consumer's thread (one record per message).
 */
public final class RecordReader extends ExpressionAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RecordReader.class);

    private final SourceFormat format;
    private final Charset charset;
    private final int maxRecordBytes;
    private final char csvDelimiter;
    private final int csvMaxLinesPerRecord;
    private final BatchRoom room;
    private final SourceProgress progress;
    private final MessageMetadata metadata;
    /** The source endpoint's URI without secrets, made once: sanitizing it per message was most of a small message's cost. */
    private volatile String endpointName;

    /**
     * @param charset  the bodies' encoding; an ASCII-compatible one, such as UTF-8 or ISO-8859-1
     * @param maxRecordBytes a longer record (a longer line of a CSV record) is rejected, and never held whole in memory
     * @param room     what the open batch can still take: chunks are cut to fill it exactly
     * @param progress how far an earlier run stored each file, or {@link SourceProgress#NONE}
     * @param metadata what of each message its records carry as fields, or {@link MessageMetadata#NONE}
     */
    public RecordReader(SourceFormat format, Charset charset, int maxRecordBytes, char csvDelimiter, int csvMaxLinesPerRecord,
            BatchRoom room, SourceProgress progress, MessageMetadata metadata) {
        this.format = format;
        this.charset = charset;
        this.maxRecordBytes = maxRecordBytes;
        this.csvDelimiter = csvDelimiter;
        this.csvMaxLinesPerRecord = csvMaxLinesPerRecord;
        this.room = room;
        this.progress = progress;
        this.metadata = metadata;
    }

    @Override
    public Object evaluate(Exchange exchange) {
        try {
            return read(exchange);
        } catch (InvalidPayloadException e) {
            throw new RuntimeCamelException(e);
        }
    }

    public Iterator<List<SourceRecord>> read(Exchange exchange) throws InvalidPayloadException {
        if (exchange.getFromEndpoint() instanceof KafkaEndpoint) { // a poll: chunks span its records, each with its own receipt
            KafkaPoll poll = KafkaPoll.start(exchange);
            return new ChunkIterator(new RecordsOfMessages(poll.records(), record -> messageRecords(record, poll)), room);
        }
        FileKeptOnStop.install(exchange);
        RabbitMqAcknowledgement.install(exchange);
        JmsAcknowledgement.install(exchange);
        if (exchange.getFromEndpoint() instanceof GenericFileEndpoint<?>) {
            return new ChunkIterator(records(exchange, new LineReader(exchange.getMessage().getMandatoryBody(InputStream.class), charset, maxRecordBytes),
                    origin(exchange, null)), room);
        }
        return new ChunkIterator(messageRecords(exchange, null), room);
    }

    /**
     * A message's records: in memory already; one that cannot be read at all is one dead letter, not misread records.
     *
     * @param poll the Kafka poll it is a record of, or null
     */
    private RecordStream messageRecords(Exchange message, KafkaPoll poll) {
        byte[] body = message.getMessage().getBody(byte[].class);
        String problem = MessageBody.unreadable(body, format);
        Origin origin = origin(message, poll);
        if (problem == null) {
            return records(message, new LineReader(body, charset, maxRecordBytes), origin);
        }
        String preview = body == null ? "" : new String(body, 0, Math.min(body.length, 1000), charset);
        return RecordStream.of(new SourceRecord(origin.name(), 1, preview, metadata.of(message).addTo(new UnreadableRecord(problem)),
                origin.receipt()));
    }

    /** The records of a file or a message. */
    private RecordStream records(Exchange exchange, LineReader reader, Origin origin) {
        String source = origin.name();
        SourceReceipt receipt = origin.receipt();
        LineRecordIterator records = switch (format) {
            case CSV -> new CsvRecordIterator(source, reader, receipt, csvDelimiter, csvMaxLinesPerRecord);
            case JSONL -> new JsonLinesRecordIterator(source, reader, receipt, JsonRecordFormat.STANDARD);
        };
        records.addFields(metadata.of(exchange));
        long stored = progress.storedThrough(exchange);
        if (stored > 0) {
            records.skipThrough(stored);
            LOG.info("{}: records up to line {} were stored before; reading on from there", source, stored);
        }
        return records;
    }

    /** What dead letters name a file or message by, and the receipt its records report to. */
    private record Origin(String name, SourceReceipt receipt) {
    }

    /** The receipt goes with the exchange to the last step; a Kafka record's, with its poll. */
    private Origin origin(Exchange exchange, KafkaPoll poll) {
        SourceReceipt receipt = new SourceReceipt();
        if (poll == null) {
            exchange.setProperty(SourceReceipt.PROPERTY, receipt);
            return new Origin(sourceName(exchange), receipt);
        }
        KafkaOffsets.Position position = poll.opened(exchange, receipt); // its topic, partition and offset, as BrokerMessage.identity
        return new Origin(messageName(exchange, position != null ? position.toString() : null), receipt);
    }

    /** A file's name; for a message, its endpoint and its id (the broker's when it has one), as dead letters show. */
    private String sourceName(Exchange exchange) {
        String file = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        if (file != null) {
            return file;
        }
        return messageName(exchange, BrokerMessage.identity(exchange));
    }

    /** A message's endpoint and its identity from the broker, or else Camel's message id. */
    private String messageName(Exchange exchange, String identity) {
        return endpointName(exchange) + " message " + (identity != null ? identity : exchange.getMessage().getMessageId());
    }

    private String endpointName(Exchange exchange) {
        if (exchange.getFromEndpoint() == null) {
            return "message";
        }
        String name = endpointName;
        if (name == null) { // a pipeline reads one endpoint
            name = URISupport.sanitizeUri(exchange.getFromEndpoint().getEndpointUri());
            endpointName = name;
        }
        return name;
    }
}
