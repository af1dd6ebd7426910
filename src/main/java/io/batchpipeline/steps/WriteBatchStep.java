package io.batchpipeline.steps;

import java.util.ArrayList;
import java.util.List;

import io.batchpipeline.batching.Batch;
import io.batchpipeline.batching.FlushReason;
import io.batchpipeline.batching.Row;
import io.batchpipeline.deadletter.DeadLetters;
import io.batchpipeline.deadletter.Errors;
import io.batchpipeline.observability.PipelineRegistry;
import io.batchpipeline.observability.PipelineStats;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.source.MalformedRecordException;
import io.batchpipeline.source.ParsedRecord;
import io.batchpipeline.source.RecordFormat;
import io.batchpipeline.source.SourceRecord;
import io.batchpipeline.transform.RejectedRecordException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per batch, on a writer thread: parses and converts each record with the pipeline's sink, sends the ones that do not
 * convert to the dead-letter endpoint, writes the rest, and records why the batch closed. Converting here
 * rather than on the source thread spreads parsing and typing over the writers. A batch the sink refuses
 * as a whole is not dropped: each of its records goes to the dead-letter endpoint with the error.
 */
public class WriteBatchStep extends PipelineStep implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(WriteBatchStep.class);

    private final DeadLetters deadLetters;

    public WriteBatchStep(PipelineRegistry registry, DeadLetters deadLetters) {
        super(registry);
        this.deadLetters = deadLetters;
    }

    @Override
    public void process(Exchange exchange) {
        Batch batch = exchange.getMessage().getBody(Batch.class);
        FlushReason reason = FlushReason.fromCompletedBy(exchange.getProperty(Exchange.AGGREGATED_COMPLETED_BY, String.class));
        BatchSink sink = sink(exchange);
        PipelineStats stats = stats(exchange);
        List<SourceRecord> records = batch.records();
        Object[] parsed = RecordFormat.parseBatch(records);
        List<Row> rows = new ArrayList<>(records.size());
        for (int i = 0; i < parsed.length; i++) {
            try {
                if (parsed[i] instanceof MalformedRecordException malformed) {
                    throw new RejectedRecordException(records.get(i), malformed.getMessage());
                }
                rows.add(sink.convert(records.get(i), (ParsedRecord) parsed[i]));
            } catch (RejectedRecordException e) {
                stats.recordRejected();
                deadLetters.reject(deadLetterUri(exchange), pipeline(exchange), records.get(i), e.getMessage());
            }
        }
        try {
            sink.write(rows);
            stats.batchWritten(reason, rows.size(), batch.closedAt() - batch.deadline());
            LOG.debug("Wrote a batch of {} rows (closed by {})", rows.size(), reason.label());
        } catch (Exception e) {
            LOG.error("Pipeline {}: a batch of {} rows failed on {}; its records go to {}: {}", pipeline(exchange), rows.size(),
                    sink.describe(), deadLetterUri(exchange), Errors.describe(e));
            stats.batchFailed(rows.size());
            deadLetters.rejectAll(deadLetterUri(exchange), pipeline(exchange), rows, e);
        }
    }
}
