package io.batchpipeline.steps;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import io.batchpipeline.batching.Batch;
import io.batchpipeline.batching.BatchJournal;
import io.batchpipeline.deadletter.DeadLetters;
import io.batchpipeline.delivery.ResilientWrite;
import io.batchpipeline.delivery.RetryPolicy;
import io.batchpipeline.observability.PipelineStats;
import io.batchpipeline.observability.PipelineStats.RejectReason;
import io.batchpipeline.record.FlushReason;
import io.batchpipeline.record.ParseResult;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.RejectedRecordException;
import io.batchpipeline.record.Row;
import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.sink.SameTransaction;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline's write, per batch, on a writer thread: parses and converts each record with the sink, sends the
 * ones that do not convert to the dead-letter endpoint, writes the rest (retrying and isolating bad records, see
 * {@link ResilientWrite}), records why the batch closed, and then tells each record's source receipt that the
 * record is settled. Converting here rather than on the source thread spreads the work over the writers.
 * A durable batch leaves the buffer in the transaction that writes it, when the sink is the buffer's database.
 */
public class WriteBatchStep<R> implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(WriteBatchStep.class);

    private final String pipeline;
    private final BatchSink<R> sink;
    private final BatchJournal journal;
    private final RetryPolicy retry;
    private final DeadLetters deadLetters;
    private final String deadLetterUri;
    private final PipelineStats stats;

    public WriteBatchStep(String pipeline, BatchSink<R> sink, BatchJournal journal, RetryPolicy retry, DeadLetters deadLetters,
            String deadLetterUri, PipelineStats stats) {
        this.pipeline = pipeline;
        this.sink = sink;
        this.journal = journal;
        this.retry = retry;
        this.deadLetters = deadLetters;
        this.deadLetterUri = deadLetterUri;
        this.stats = stats;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Batch batch = exchange.getMessage().getBody(Batch.class);
        try {
            write(batch, exchange.getProperty(Exchange.AGGREGATED_COMPLETED_BY, String.class));
        } catch (InterruptedException e) {
            throw e; // a forced stop: the records stay unsettled, so their file stays in the input folder for the next run
        } catch (Exception e) {
            // its sources must not wait for it forever: a file goes to .error; a durable batch stays stored and is retried
            settle(batch.records(), e);
            throw e;
        }
        settle(batch.records(), null);
    }

    /**
     * Writes the batch; every record ends written or dead-lettered. A sink that takes records as they are gets them
     * first; what it leaves is parsed, converted and written.
     */
    private void write(Batch batch, String completedBy) throws Exception {
        awaitStored(batch);
        FlushReason reason = FlushReason.of(batch.recovered(), completedBy);
        List<SourceRecord> records = batch.records();
        SameTransaction release = journal.release(batch);
        ResilientWrite<R> writer = new ResilientWrite<>(sink, retry);
        long start = System.nanoTime();
        List<SourceRecord> left = writer.writeAsIs(records, release);
        int written = records.size() - left.size();
        stats.passedThrough(written);
        if (!left.isEmpty()) {
            // the release goes with the transaction that writes the whole batch, if one does
            written += convertAndWrite(writer, left, left.size() == records.size() ? release : null);
        }
        stats.batchWritten(reason, records.size(), written, System.nanoTime() - start, batch.closedAt() - batch.deadline());
        LOG.debug("Wrote {} of {} records (closed by {})", written, records.size(), reason.label());
    }

    /**
     * With the durable buffer, the batch's last chunks may still be on their way into it: the write deletes them in
     * its own transaction, so it waits for them (a batch that could not be stored is not written; its sources fail).
     */
    private static void awaitStored(Batch batch) throws Exception {
        try {
            batch.stored().all().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * Parses and converts the records with the sink, dead-letters those that do not convert (together), writes the
     * rest, and dead-letters what the database refuses.
     */
    private int convertAndWrite(ResilientWrite<R> writer, List<SourceRecord> records, SameTransaction release) throws InterruptedException {
        ParseResult[] parsed = RecordFormat.parseBatch(records);
        List<Row<R>> rows = new ArrayList<>(records.size());
        List<DeadLetters.Entry> rejected = new ArrayList<>();
        for (int i = 0; i < parsed.length; i++) {
            try {
                if (parsed[i] instanceof ParseResult.Malformed malformed) {
                    stats.recordRejected(RejectReason.MALFORMED);
                    rejected.add(new DeadLetters.Entry(records.get(i), malformed.reason()));
                    continue;
                }
                rows.add(sink.convert(records.get(i), (ParsedRecord) parsed[i]));
            } catch (RejectedRecordException e) {
                stats.recordRejected(RejectReason.CONVERSION);
                rejected.add(new DeadLetters.Entry(records.get(i), e.getMessage()));
            } catch (RuntimeException e) { // a sink's converter failing on one record rejects that record
                stats.recordRejected(RejectReason.CONVERSION);
                rejected.add(new DeadLetters.Entry(records.get(i), "cannot convert: " + e));
            }
        }
        reject(rejected);
        // each at once, as the write isolates it: a durable batch's last transaction releases it from the buffer
        return writer.write(rows, (row, why) -> {
            stats.batchFailed(1);
            reject(List.of(new DeadLetters.Entry(row.origin(), why)));
        }, release);
    }

    /**
     * Sends records to the dead-letter endpoint. When that fails, each record's own source fails (its file goes to
     * .error, to be put back), not the other sources of the batch.
     */
    private void reject(List<DeadLetters.Entry> entries) {
        for (DeadLetters.Entry entry : entries) {
            if (entry.record().receipt() != null) {
                entry.record().receipt().rejected();
            }
        }
        Set<String> told = new HashSet<>();
        deadLetters.reject(deadLetterUri, pipeline, entries, (entry, cause) -> {
            SourceRecord record = entry.record();
            if (told.add(record.source())) {
                LOG.error("Pipeline {}: cannot write to the dead-letter endpoint {}: {}; the source {} will be marked failed",
                        pipeline, deadLetterUri, cause.getMessage(), record.source());
            }
            if (record.receipt() != null) {
                record.receipt().failed(cause);
            }
        });
    }

    /** Every record of the batch is now written or dead-lettered: tell their sources, a run of same-source records at a time. */
    private static void settle(List<SourceRecord> records, Exception failure) {
        SourceReceipt.eachRun(records, (receipt, count) -> {
            if (failure != null) {
                receipt.failed(failure);
            }
            receipt.settled(count);
        });
    }
}
