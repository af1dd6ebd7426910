package io.batchpipeline.batching;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Collects converted rows into a {@link Batch} and gives each batch a deadline.
 *
 * <p>Camel's {@code completionTimeout} is an inactivity timer: every arrival restarts it, so under a steady
 * trickle a batch never times out. The route instead uses {@code completionTimeoutExpression} with
 * {@link #millisToDeadline}: the aggregator re-arms its timer after every arrival with whatever that
 * expression returns, and this strategy makes it return the time left until the batch's fixed deadline,
 * so the batch closes {@code batchTimeout} ms after it opened however records arrive. In
 * {@code inactivity} mode the deadline moves with every arrival, which is Camel's stock behaviour.
 *
 * <p>Stateless: the timeout and its mode travel on the exchange as properties set by the route template,
 * so one instance serves every pipeline.
 */
public class BatchAggregationStrategy implements AggregationStrategy {

    public static final String TIMEOUT_PROPERTY = "pipelineBatchTimeout";
    public static final String TIMEOUT_MODE_PROPERTY = "pipelineBatchTimeoutMode";
    public static final String SIZE_PROPERTY = "pipelineBatchSize";
    static final String DEADLINE_PROPERTY = "pipelineBatchDeadline";

    @Override
    public Exchange aggregate(Exchange batchExchange, Exchange recordExchange) {
        Row row = recordExchange.getMessage().getBody(Row.class);
        long now = System.currentTimeMillis();
        long timeout = recordExchange.getProperty(TIMEOUT_PROPERTY, Long.class);
        Exchange answer = batchExchange != null ? batchExchange : recordExchange;
        Batch batch = batchExchange != null ? batchExchange.getMessage().getBody(Batch.class) : null;
        if (batch == null) {
            int size = recordExchange.getProperty(SIZE_PROPERTY, 16, Integer.class);
            batch = new Batch(size, now, now + timeout);
            answer.getMessage().setBody(batch);
        }
        batch.add(row);
        boolean inactivity = TimeoutMode.of(recordExchange.getProperty(TIMEOUT_MODE_PROPERTY, String.class)) == TimeoutMode.INACTIVITY;
        // the aggregator evaluates the timeout expression on the incoming exchange
        recordExchange.setProperty(DEADLINE_PROPERTY, inactivity ? now + timeout : batch.deadline());
        return answer;
    }

    @Override
    public void onCompletion(Exchange exchange) {
        Batch batch = exchange.getMessage().getBody(Batch.class);
        if (batch != null) {
            batch.close();
        }
    }

    /** The completion timeout expression: milliseconds left until the open batch's deadline (at least 1). */
    public long millisToDeadline(Exchange exchange) {
        long deadline = exchange.getProperty(DEADLINE_PROPERTY, Long.class);
        return Math.max(1, deadline - System.currentTimeMillis());
    }
}
