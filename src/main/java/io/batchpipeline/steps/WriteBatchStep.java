package io.batchpipeline.steps;

import java.util.ArrayList;
import java.util.List;

import io.batchpipeline.batching.Batch;
import io.batchpipeline.batching.BatchJournal;
import io.batchpipeline.batching.FlushReason;
import io.batchpipeline.batching.Row;
import io.batchpipeline.buffer.DurableBatchBuffer;
import io.batchpipeline.deadletter.DeadLetters;
import io.batchpipeline.delivery.ResilientWrite;
import io.batchpipeline.delivery.RetryPolicy;
import io.batchpipeline.delivery.SourceReceipt;
import io.batchpipeline.observability.PipelineRegistry;
import io.batchpipeline.observability.PipelineStats;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.sink.SameTransaction;
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
 * Per batch, on a writer thread: parses and converts each record with the pipeline's sink, sends the ones
 * that do not convert to the dead-letter endpoint, writes the rest (retrying and isolating bad records, see
 * {@link ResilientWrite}), records why the batch closed, and then tells each record's source receipt that the
 * record is settled. Converting here rather than on the source thread spreads the work over the writers.
 * A batch from the durable buffer leaves it in the transaction that writes it, when the sink is its database.
 */
public class WriteBatchStep extends PipelineStep implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(WriteBatchStep.class);

    private final DeadLetters deadLetters;
    private final RetryPolicy retry;

    public WriteBatchStep(PipelineRegistry registry, DeadLetters deadLetters, RetryPolicy retry) {
        super(registry);
        this.deadLetters = deadLetters;
        this.retry = retry;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Batch batch = exchange.getMessage().getBody(Batch.class);
        FlushReason reason = FlushReason.of(batch, exchange.getProperty(Exchange.AGGREGATED_COMPLETED_BY, String.class));
        BatchSink sink = sink(exchange);
        PipelineStats stats = stats(exchange);
        String deadLetterUri = deadLetterUri(exchange);
        String pipeline = pipeline(exchange);
        List<SourceRecord> records = batch.records();
        Object[] parsed = RecordFormat.parseBatch(records);
        List<Row> rows = new ArrayList<>(records.size());
        Exception deadLetterFailure = null;
        for (int i = 0; i < parsed.length; i++) {
            try {
                if (parsed[i] instanceof MalformedRecordException malformed) {
                    throw new RejectedRecordException(records.get(i), malformed.getMessage());
                }
                rows.add(sink.convert(records.get(i), (ParsedRecord) parsed[i]));
            } catch (RejectedRecordException e) {
                stats.recordRejected();
                deadLetterFailure = reject(deadLetterUri, pipeline, records.get(i), e.getMessage(), deadLetterFailure);
            }
        }
        List<Exception> writeFailures = new ArrayList<>(1);
        SameTransaction release = BatchJournal.of(exchange) instanceof DurableBatchBuffer buffer ? buffer.release(batch) : null;
        int written = new ResilientWrite(sink, retry).write(rows, (row, why) -> {
            stats.batchFailed(1);
            Exception failed = reject(deadLetterUri, pipeline, row.origin(), why, null);
            if (failed != null) {
                writeFailures.add(failed);
            }
        }, release);
        stats.batchWritten(reason, written, batch.closedAt() - batch.deadline());
        LOG.debug("Wrote {} of {} records (closed by {})", written, records.size(), reason.label());
        settle(records, deadLetterFailure != null ? deadLetterFailure : writeFailures.isEmpty() ? null : writeFailures.get(0));
    }

    /** Sends a record to the dead-letter endpoint; returns the failure to send it, if any, so its source fails. */
    private Exception reject(String deadLetterUri, String pipeline, SourceRecord record, String reason, Exception previous) {
        try {
            deadLetters.reject(deadLetterUri, pipeline, record, reason);
            return previous;
        } catch (RuntimeException e) {
            LOG.error("Pipeline {}: cannot write to the dead-letter endpoint {}: {}; the source {} will be marked failed",
                    pipeline, deadLetterUri, e.getMessage(), record.source());
            return previous != null ? previous : e;
        }
    }

    /** Every record of the batch is now written or dead-lettered: tell their sources, a run of same-source records at a time. */
    private static void settle(List<SourceRecord> records, Exception failure) {
        SourceReceipt current = null;
        int count = 0;
        for (SourceRecord record : records) {
            if (record.receipt() != current) {
                release(current, count, failure);
                current = record.receipt();
                count = 0;
            }
            count++;
        }
        release(current, count, failure);
    }

    private static void release(SourceReceipt receipt, int count, Exception failure) {
        if (receipt != null && count > 0) {
            if (failure != null) {
                receipt.failed(failure);
            }
            receipt.settled(count);
        }
    }
}
