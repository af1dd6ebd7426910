package io.batchpipeline.batching;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.batchpipeline.observability.PipelineStats;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.source.BatchRoom;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.support.ExpressionAdapter;

/**
 * One pipeline's batching: collects chunks of records into a {@link Batch}, decides when it is full (by records,
 * or by the size of their text, which bounds memory when records are large), and gives it a deadline.
 *
 * <p>Camel's {@code completionTimeout} is an inactivity timer: every arrival restarts it, so under a steady
 * trickle a batch never times out. The route instead uses {@code completionTimeoutExpression} with
 * {@link #millisToDeadline}: the aggregator re-arms its timer after every arrival with whatever that
 * expression returns, and this strategy makes it return the time left until the batch's fixed deadline,
 * so the batch closes {@code timeout} ms after it opened however records arrive. In
 * {@link TimeoutMode#INACTIVITY} mode the deadline moves with every arrival, which is Camel's stock behaviour.
 *
 * <p>When the pipeline's batches are durable, each chunk goes to its {@link BatchJournal} before it joins the batch.
 */
public class BatchAggregationStrategy implements AggregationStrategy, BatchRoom {

    /** Per-exchange state, not a setting: the aggregator evaluates the timeout expression on the incoming exchange. */
    static final String DEADLINE_PROPERTY = "batchPipelineDeadline";

    private final int size;
    private final long maxCharacters;
    private final long timeout;
    private final TimeoutMode mode;
    private final BatchJournal journal;
    private final PipelineStats stats;
    private final AtomicInteger openRecords = new AtomicInteger();
    private final AtomicLong openCharacters = new AtomicLong();

    /** @param maxCharacters a batch also closes once its records' text reaches this many characters */
    public BatchAggregationStrategy(int size, long maxCharacters, long timeout, TimeoutMode mode, BatchJournal journal,
            PipelineStats stats) {
        this.size = size;
        this.maxCharacters = maxCharacters;
        this.timeout = timeout;
        this.mode = mode;
        this.journal = journal;
        this.stats = stats;
    }

    @Override
    public Exchange aggregate(Exchange batchExchange, Exchange chunkExchange) {
        @SuppressWarnings("unchecked")
        List<SourceRecord> chunk = chunkExchange.getMessage().getBody(List.class);
        long now = System.currentTimeMillis();
        Exchange answer = batchExchange != null ? batchExchange : chunkExchange;
        Batch batch = batchExchange != null ? batchExchange.getMessage().getBody(Batch.class) : null;
        if (batch == null) {
            batch = new Batch(answer.getExchangeId(), size, now + timeout);
            answer.getMessage().setBody(batch);
        }
        journal.append(batch, chunk, chunkExchange);
        batch.addAll(chunk);
        openRecords.set(batch.size());
        openCharacters.set(batch.characters());
        stats.recordsRead(chunk.size());
        chunkExchange.setProperty(DEADLINE_PROPERTY, mode == TimeoutMode.INACTIVITY ? now + timeout : batch.deadline());
        return answer;
    }

    @Override
    public void onCompletion(Exchange exchange) {
        Batch batch = exchange.getMessage().getBody(Batch.class);
        batch.close();
        journal.closed(batch);
        if (!batch.recovered()) { // a recovered batch never was the open one
            openRecords.set(0);
            openCharacters.set(0);
        }
    }

    /** Records in the open batch. */
    public int openRecords() {
        return openRecords.get();
    }

    @Override
    public int records() {
        return size - openRecords.get();
    }

    @Override
    public long characters() {
        return maxCharacters - openCharacters.get();
    }

    /** The completion predicate: the batch holds {@code size} records, or {@code maxCharacters} of text. */
    private boolean isFull(Exchange exchange) {
        Batch batch = exchange.getMessage().getBody(Batch.class);
        return batch.size() >= size || batch.characters() >= maxCharacters;
    }

    /** The completion timeout expression: milliseconds left until the open batch's deadline (at least 1). */
    private long millisToDeadline(Exchange exchange) {
        long deadline = exchange.getProperty(DEADLINE_PROPERTY, Long.class);
        return Math.max(1, deadline - System.currentTimeMillis());
    }

    /**
     * {@link #isFull} as the aggregator's completion predicate, and {@link #millisToDeadline} as its timeout expression,
     * for the route's {@code ref} language: the bean language copies the exchange's headers and resolves the method on
     * every call, a cost per message (see {@code RecordReader}).
     */
    public Predicate fullPredicate() {
        return this::isFull;
    }

    /** See {@link #fullPredicate()}. */
    public Expression deadlineExpression() {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return millisToDeadline(exchange);
            }
        };
    }
}
