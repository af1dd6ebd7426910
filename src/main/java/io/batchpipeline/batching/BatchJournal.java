package io.batchpipeline.batching;

import java.util.List;

import io.batchpipeline.source.SourceRecord;
import org.apache.camel.Exchange;
import org.apache.camel.spi.AggregationRepository;

/**
 * Where the aggregation strategy records each chunk before it joins a batch, when the pipeline's aggregation
 * repository keeps batches durably. Camel's aggregator only shows a repository the batch before its last
 * chunk, and a batch that one chunk fills not at all, so the strategy, which sees every chunk, does this.
 */
public interface BatchJournal {

    /** Exchange property naming the pipeline's aggregation repository bean. Set by the route template. */
    String REPOSITORY_PROPERTY = "pipelineBuffer";

    /** Stores the chunk durably as the next part of the batch; returns once it is safe from a crash. */
    void append(Batch batch, List<SourceRecord> chunk, Exchange chunkExchange);

    /** The batch is complete and handed to the writers: from now on it may be recovered. */
    void closed(Batch batch);

    /**
     * The last line of this source exchange's file that an earlier run stored, or 0: a file read again after a
     * crash resumes after it, so its stored records are not stored twice. Files only; 0 for messages.
     */
    long storedThrough(Exchange sourceExchange);

    /** The source exchange is done (the file moves to .done): forget how far it was stored. */
    void sourceDone(Exchange sourceExchange);

    /** The pipeline's journal, or null when its batches are kept in memory only. */
    static BatchJournal of(Exchange exchange) {
        String name = exchange.getProperty(REPOSITORY_PROPERTY, String.class);
        if (name == null) {
            return null;
        }
        return exchange.getContext().getRegistry().lookupByNameAndType(name, AggregationRepository.class) instanceof BatchJournal journal
                ? journal : null;
    }
}
