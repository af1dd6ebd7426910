package io.batchpipeline.source;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

import io.batchpipeline.batching.BatchAggregationStrategy;
import io.batchpipeline.batching.BatchJournal;
import io.batchpipeline.delivery.SourceReceipt;
import io.batchpipeline.observability.PipelineRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a message body (a whole file, or one bus message) into a lazy stream of record chunks. The route's
 * split EIP iterates it in streaming mode, so a large file is read a chunk at a time.
 */
public class RecordReader {

    private static final Logger LOG = LoggerFactory.getLogger(RecordReader.class);

    /** Exchange property naming the body's format: csv or jsonl. Set by the route template. */
    public static final String FORMAT_PROPERTY = "pipelineSourceFormat";
    /** Exchange property holding the {@link SourceReceipt} of the body's records. */
    public static final String RECEIPT_PROPERTY = "pipelineSourceReceipt";

    private final PipelineRegistry pipelines;
    private char csvDelimiter = ',';
    private int csvMaxLinesPerRecord = 1000;

    public RecordReader(PipelineRegistry pipelines) {
        this.pipelines = pipelines;
    }

    public Iterator<List<SourceRecord>> read(Exchange exchange) throws InvalidPayloadException {
        String format = exchange.getProperty(FORMAT_PROPERTY, "csv", String.class);
        InputStream in = exchange.getMessage().getMandatoryBody(InputStream.class);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
        String source = sourceName(exchange);
        SourceReceipt receipt = new SourceReceipt();
        exchange.setProperty(RECEIPT_PROPERTY, receipt);
        LineRecordIterator records = switch (SourceFormat.of(format)) {
            case CSV -> new CsvRecordIterator(source, reader, receipt, csvDelimiter, csvMaxLinesPerRecord);
            case JSONL -> new JsonLinesRecordIterator(source, reader, receipt, JsonRecordFormat.STANDARD);
        };
        BatchJournal journal = BatchJournal.of(exchange);
        long stored = journal != null ? journal.storedThrough(exchange) : 0;
        if (stored > 0) {
            records.skipThrough(stored);
            LOG.info("{}: records up to line {} were stored by an earlier run; reading on from there", source, stored);
        }
        int batchSize = exchange.getProperty(BatchAggregationStrategy.SIZE_PROPERTY, Integer.class);
        var stats = pipelines.of(exchange.getFromRouteId());
        return new ChunkIterator(records, () -> batchSize - stats.openBatchRecords(), receipt);
    }

    private static String sourceName(Exchange exchange) {
        String file = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        return file != null ? file : exchange.getFromEndpoint() != null ? exchange.getFromEndpoint().getEndpointUri() : "message";
    }

    public void setCsvDelimiter(char csvDelimiter) {
        this.csvDelimiter = csvDelimiter;
    }

    public void setCsvMaxLinesPerRecord(int csvMaxLinesPerRecord) {
        this.csvMaxLinesPerRecord = csvMaxLinesPerRecord;
    }
}
