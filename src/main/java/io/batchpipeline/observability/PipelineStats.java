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
    private final LongAdder recordsRejected = new LongAdder();
    private final LongAdder rowsWritten = new LongAdder();
    private final LongAdder rowsFailed = new LongAdder();
    private final Map<FlushReason, LongAdder> batchesByReason = new EnumMap<>(FlushReason.class);
    private final AtomicLong firstReadNanos = new AtomicLong();
    private final AtomicLong lastWriteNanos = new AtomicLong();
    private final LatenessHistogram timeoutLateness = new LatenessHistogram();

    PipelineStats(String pipeline) {
        this.pipeline = pipeline;
        for (FlushReason reason : FlushReason.values()) {
            batchesByReason.put(reason, new LongAdder());
        }
    }

    public void recordsRead(int records) {
        firstReadNanos.compareAndSet(0, System.nanoTime());
        recordsRead.add(records);
    }

    public void recordRejected() {
        recordsRejected.increment();
    }

    /** A batch was written: its reason, the rows that went to the sink, and how late it closed after its deadline. */
    public void batchWritten(FlushReason reason, int rows, long latenessMillis) {
        rowsWritten.add(rows);
        batchesByReason.get(reason).increment();
        lastWriteNanos.set(System.nanoTime());
        if (reason == FlushReason.TIMEOUT) {
            timeoutLateness.record(latenessMillis);
        }
    }

    public void batchFailed(int rows) {
        rowsFailed.add(rows);
    }

    public String pipeline() {
        return pipeline;
    }

    public long recordsRead() {
        return recordsRead.sum();
    }

    public long recordsRejected() {
        return recordsRejected.sum();
    }

    public long rowsWritten() {
        return rowsWritten.sum();
    }

    public long rowsFailed() {
        return rowsFailed.sum();
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
        return String.format("pipeline %s: %d records read, %d rows written in %d batches (size %d, timeout %d, stop %d, recovered %d), "
                        + "%d records rejected, %d rows in failed batches, %.0f rows/s%s",
                pipeline, recordsRead(), rowsWritten(), batches,
                batches(FlushReason.SIZE), batches(FlushReason.TIMEOUT), batches(FlushReason.STOP), batches(FlushReason.RECOVERED),
                recordsRejected(), rowsFailed(), rowsPerSecond(), lateness);
    }
}
