package io.batchpipeline.batching;

import java.util.List;

import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.sink.SameTransaction;
import org.apache.camel.Exchange;

/**
 * Where the aggregation strategy records each chunk before it joins a batch, when the pipeline keeps its
 * batches durably. Camel's aggregator only shows a repository the batch before its last chunk, and a batch that
 * one chunk fills not at all, so the strategy, which sees every chunk, does this.
 */
public interface BatchJournal {

    /** Batches kept in memory only: nothing to record. */
    BatchJournal NONE = new BatchJournal() {
        @Override
        public void append(Batch batch, List<SourceRecord> chunk, Exchange chunkExchange) {
        }

        @Override
        public void closed(Batch batch) {
        }

        @Override
        public SameTransaction release(Batch batch) {
            return null;
        }
    };

    /** Stores the chunk durably as the next part of the batch; returns once it is safe from a crash. */
    void append(Batch batch, List<SourceRecord> chunk, Exchange chunkExchange);

    /** The batch is complete and handed to the writers: from now on it may be recovered. */
    void closed(Batch batch);

    /** Work that lets the batch go in the transaction that writes it, or null when nothing needs it. */
    SameTransaction release(Batch batch);
}
