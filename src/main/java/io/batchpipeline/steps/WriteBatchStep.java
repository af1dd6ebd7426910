package io.batchpipeline.steps;

import io.batchpipeline.batching.Batch;
import io.batchpipeline.batching.FlushReason;
import io.batchpipeline.deadletter.DeadLetters;
import io.batchpipeline.deadletter.Errors;
import io.batchpipeline.observability.PipelineRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per batch, on a writer thread: writes it to the pipeline's sink and records why it closed. A batch the
 * sink refuses is not dropped: every one of its records goes to the dead-letter endpoint with the error.
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
        try {
            sink(exchange).write(batch);
            stats(exchange).batchWritten(reason, batch.size(), batch.closedAt() - batch.deadline());
            LOG.debug("Wrote a batch of {} rows (closed by {})", batch.size(), reason.label());
        } catch (Exception e) {
            LOG.error("Pipeline {}: a batch of {} rows failed on {}; its records go to {}: {}", pipeline(exchange), batch.size(),
                    sink(exchange).describe(), deadLetterUri(exchange), Errors.describe(e));
            stats(exchange).batchFailed(batch.size());
            deadLetters.rejectBatch(deadLetterUri(exchange), pipeline(exchange), batch, e);
        }
    }
}
