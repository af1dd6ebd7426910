package io.batchpipeline.observability;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.batchpipeline.record.FlushReason;

/** Counters for one pipeline: what it read, rejected and wrote, and when. Thread-safe. */
public final class PipelineStats {

    private final String pipeline;
    private final LongAdder recordsRead = new LongAdder();
    private final Map<RejectReason, LongAdder> rejectedByReason = new EnumMap<>(RejectReason.class);
    private final LongAdder rowsWritten = new LongAdder();
    private final LongAdder rowsFailed = new LongAdder();
    private final LongAdder rowsPassedThrough = new LongAdder();
    private final Map<FlushReason, LongAdder> batchesByReason = new EnumMap<>(FlushReason.class);
    private final AtomicLong firstReadNanos = new AtomicLong();
    private final AtomicLong lastWriteNanos = new AtomicLong();
    private final LatenessHistogram timeoutLateness = new LatenessHistogram();
    private volatile BatchObserver observer = BatchObserver.NONE;

    /** What else wants to know about each written batch, e.g. the metrics' histograms. */
    public interface BatchObserver {
        BatchObserver NONE = (records, writeNanos, latenessMillis) -> { };

        /** @param latenessMillis how late after its deadline a timeout batch closed; -1 for other batches */
        void written(int records, long writeNanos, long latenessMillis);
    }

    /** Why a record went to the dead-letter endpoint. */
    public enum RejectReason {
        /** It could not be read: malformed CSV or JSON, bytes not valid in the charset, too long. */
        MALFORMED,
        /** A value does not convert to its column's type. */
        CONVERSION,
        /** The database refused it (SQLSTATE class 22 or 23), found by isolating it from its batch. */
        DATABASE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    PipelineStats(String pipeline) {
        this.pipeline = pipeline;
        for (FlushReason reason : FlushReason.values()) {
            batchesByReason.put(reason, new LongAdder());
        }
        for (RejectReason reason : RejectReason.values()) {
            rejectedByReason.put(reason, new LongAdder());
        }
    }

    public void observe(BatchObserver observer) {
        this.observer = observer;
    }

    public void recordsRead(int records) {
        firstReadNanos.compareAndSet(0, System.nanoTime());
        recordsRead.add(records);
    }

    /** A record was sent to the dead-letter endpoint because it could not be read or converted. */
    public void recordRejected(RejectReason reason) {
        rejectedByReason.get(reason).increment();
    }

    /**
     * A batch was written: its reason, its records, the rows that went to the sink, how long the write took, and how
     * late it closed after its deadline.
     */
    public void batchWritten(FlushReason reason, int records, int rows, long writeNanos, long latenessMillis) {
        rowsWritten.add(rows);
        batchesByReason.get(reason).increment();
        lastWriteNanos.set(System.nanoTime());
        if (reason == FlushReason.TIMEOUT) {
            timeoutLateness.record(latenessMillis);
        }
        observer.written(records, writeNanos, reason == FlushReason.TIMEOUT ? latenessMillis : -1);
    }

    /** Of the rows written, these went as their source text, unparsed (CSV into PostgreSQL's COPY). */
    public void passedThrough(int rows) {
        rowsPassedThrough.add(rows);
    }

    /** Rows of a batch the database refused one by one, each sent to the dead-letter endpoint. */
    public void batchFailed(int rows) {
        rowsFailed.add(rows);
        rejectedByReason.get(RejectReason.DATABASE).add(rows);
    }

    public String pipeline() {
        return pipeline;
    }

    public long recordsRead() {
        return recordsRead.sum();
    }

    /** Records that could not be read or converted (not those the database refused: {@link #rowsFailed()}). */
    public long recordsRejected() {
        return rejected(RejectReason.MALFORMED) + rejected(RejectReason.CONVERSION);
    }

    public long rejected(RejectReason reason) {
        return rejectedByReason.get(reason).sum();
    }

    public long rowsWritten() {
        return rowsWritten.sum();
    }

    public long rowsFailed() {
        return rowsFailed.sum();
    }

    public long rowsPassedThrough() {
        return rowsPassedThrough.sum();
    }

    public long batches(FlushReason reason) {
        return batchesByReason.get(reason).sum();
    }

    public LatenessHistogram timeoutLateness() {
        return timeoutLateness;
    }

    /** Rows written per second, from the first record read to the last batch committed. */
    public double rowsPerSecond() {
        long start = firstReadNanos.get();
        long end = lastWriteNanos.get();
        if (start == 0 || end <= start) {
            return 0;
        }
        return rowsWritten() / ((end - start) / 1e9);
    }

    /** One line for the log. */
    public String summary() {
        String lateness = timeoutLateness.count() == 0 ? "" : String.format(", timeout batches closed p50 %d ms / p99 %d ms after their deadline",
                timeoutLateness.percentile(0.5), timeoutLateness.percentile(0.99));
        long batches = batchesByReason.values().stream().mapToLong(LongAdder::sum).sum();
        String passed = rowsPassedThrough() == 0 ? "" : String.format(", %d rows passed through unparsed", rowsPassedThrough());
        return String.format("pipeline %s: %d records read, %d rows written in %d batches (size %d, timeout %d, stop %d, recovered %d), "
                        + "%d records rejected, %d rows in failed batches%s, %.0f rows/s%s",
                pipeline, recordsRead(), rowsWritten(), batches,
                batches(FlushReason.SIZE), batches(FlushReason.TIMEOUT), batches(FlushReason.STOP), batches(FlushReason.RECOVERED),
                recordsRejected(), rowsFailed(), passed, rowsPerSecond(), lateness);
    }
}
