package io.batchpipeline.batching;

import java.util.List;

import io.batchpipeline.observability.PipelineRegistry;
import io.batchpipeline.observability.PipelineStats;
import io.batchpipeline.source.SourceRecord;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Collects chunks of records into a {@link Batch}, decides when it is full, and gives it a deadline.
 *
 * <p>Camel's {@code completionTimeout} is an inactivity timer: every arrival restarts it, so under a steady
 * trickle a batch never times out. The route instead uses {@code completionTimeoutExpression} with
 * {@link #millisToDeadline}: the aggregator re-arms its timer after every arrival with whatever that
 * expression returns, and this strategy makes it return the time left until the batch's fixed deadline,
 * so the batch closes {@code batchTimeout} ms after it opened however records arrive. In
 * {@code inactivity} mode the deadline moves with every arrival, which is Camel's stock behaviour.
 *
 * <p>The batch size and timeout travel on the exchange as properties set by the route template, so one
 * instance serves every pipeline. It keeps each pipeline's open-batch gauge current, which the record
 * reader uses to size chunks so that they fill a batch exactly. When the pipeline's batches are durable,
 * each chunk goes to its {@link BatchJournal} before it joins the batch.
 */
public class BatchAggregationStrategy implements AggregationStrategy {

    public static final String SIZE_PROPERTY = "pipelineBatchSize";
    public static final String TIMEOUT_PROPERTY = "pipelineBatchTimeout";
    public static final String TIMEOUT_MODE_PROPERTY = "pipelineBatchTimeoutMode";
    static final String DEADLINE_PROPERTY = "pipelineBatchDeadline";

    private final PipelineRegistry pipelines;

    public BatchAggregationStrategy(PipelineRegistry pipelines) {
        this.pipelines = pipelines;
    }

    @Override
    public Exchange aggregate(Exchange batchExchange, Exchange chunkExchange) {
        @SuppressWarnings("unchecked")
        List<SourceRecord> chunk = chunkExchange.getMessage().getBody(List.class);
        long now = System.currentTimeMillis();
        long timeout = chunkExchange.getProperty(TIMEOUT_PROPERTY, Long.class);
        Exchange answer = batchExchange != null ? batchExchange : chunkExchange;
        Batch batch = batchExchange != null ? batchExchange.getMessage().getBody(Batch.class) : null;
        if (batch == null) {
            batch = new Batch(answer.getExchangeId(), chunkExchange.getProperty(SIZE_PROPERTY, Integer.class), now + timeout);
            answer.getMessage().setBody(batch);
        }
        BatchJournal journal = BatchJournal.of(chunkExchange);
        if (journal != null) {
            journal.append(batch, chunk, chunkExchange);
        }
        batch.addAll(chunk);
        PipelineStats stats = pipelines.of(chunkExchange.getFromRouteId());
        stats.recordsRead(chunk.size());
        stats.openBatchRecords(batch.size());
        boolean inactivity = TimeoutMode.of(chunkExchange.getProperty(TIMEOUT_MODE_PROPERTY, String.class)) == TimeoutMode.INACTIVITY;
        // the aggregator evaluates the timeout expression on the incoming exchange
        chunkExchange.setProperty(DEADLINE_PROPERTY, inactivity ? now + timeout : batch.deadline());
        return answer;
    }

    @Override
    public void onCompletion(Exchange exchange) {
        Batch batch = exchange.getMessage().getBody(Batch.class);
        batch.close();
        BatchJournal journal = BatchJournal.of(exchange);
        if (journal != null) {
            journal.closed(batch);
        }
        if (!batch.recovered()) { // a recovered batch never was the open one
            pipelines.of(exchange.getFromRouteId()).openBatchRecords(0);
        }
    }

    /** The completion predicate: the batch holds batch.size records. */
    public boolean isFull(Exchange exchange) {
        Batch batch = exchange.getMessage().getBody(Batch.class);
        return batch.size() >= exchange.getProperty(SIZE_PROPERTY, Integer.class);
    }

    /** The completion timeout expression: milliseconds left until the open batch's deadline (at least 1). */
    public long millisToDeadline(Exchange exchange) {
        long deadline = exchange.getProperty(DEADLINE_PROPERTY, Long.class);
        return Math.max(1, deadline - System.currentTimeMillis());
    }
}
