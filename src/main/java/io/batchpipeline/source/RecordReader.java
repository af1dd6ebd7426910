package io.batchpipeline.source;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.Iterator;
import java.util.List;

import io.batchpipeline.record.MessageFields;
import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.record.SourceRecord;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline's reader: turns a message body (a whole file, or one bus message) into a lazy stream of record
 * chunks. The route's split EIP iterates it in streaming mode, so a large file is read a chunk at a time.
 */
public final class RecordReader {

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

    public Iterator<List<SourceRecord>> read(Exchange exchange) throws InvalidPayloadException {
        FileKeptOnStop.install(exchange);
        RabbitMqAcknowledgement.install(exchange);
        JmsAcknowledgement.install(exchange);
        String source = sourceName(exchange);
        SourceReceipt receipt = new SourceReceipt();
        exchange.setProperty(SourceReceipt.PROPERTY, receipt);
        MessageFields fields = metadata.of(exchange);
        InputStream in;
        if (exchange.getFromEndpoint() instanceof GenericFileEndpoint<?>) {
            in = exchange.getMessage().getMandatoryBody(InputStream.class);
        } else { // a message: in memory already; one that cannot be read at all is one dead letter, not misread records
            byte[] body = exchange.getMessage().getBody(byte[].class);
            String problem = MessageBody.unreadable(body, format);
            if (problem != null) {
                receipt.add(1);
                String preview = body == null ? "" : new String(body, 0, Math.min(body.length, 1000), charset);
                return List.of(List.of(new SourceRecord(source, 1, preview, fields.addTo(new UnreadableRecord(problem)), receipt))).iterator();
            }
            in = new ByteArrayInputStream(body);
        }
        LineReader reader = new LineReader(in, charset, maxRecordBytes);
        LineRecordIterator records = switch (format) {
            case CSV -> new CsvRecordIterator(source, reader, receipt, csvDelimiter, csvMaxLinesPerRecord);
            case JSONL -> new JsonLinesRecordIterator(source, reader, receipt, JsonRecordFormat.STANDARD);
        };
        records.addFields(fields);
        long stored = progress.storedThrough(exchange);
        if (stored > 0) {
            records.skipThrough(stored);
            LOG.info("{}: records up to line {} were stored before; reading on from there", source, stored);
        }
        return new ChunkIterator(records, room, receipt);
    }

    /** A file's name; for a message, its endpoint and its id (the broker's when it has one), as dead letters show. */
    private String sourceName(Exchange exchange) {
        String file = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        if (file != null) {
            return file;
        }
        String id = BrokerMessage.identity(exchange);
        return endpointName(exchange) + " message " + (id != null ? id : exchange.getMessage().getMessageId());
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
