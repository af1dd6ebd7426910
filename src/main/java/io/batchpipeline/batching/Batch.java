package io.batchpipeline.batching;

import java.util.ArrayList;
import java.util.List;

import io.batchpipeline.source.SourceRecord;

/**
 * The records collected by the aggregator for one write. {@code deadline} and {@code closedAt} are
 * wall-clock milliseconds: the batch must close by its deadline even when it has not reached its size.
 */
public final class Batch {

    private final List<SourceRecord> records;
    private final long deadline;
    private volatile long closedAt;

    Batch(int expectedSize, long deadline) {
        this.records = new ArrayList<>(expectedSize);
        this.deadline = deadline;
    }

    void addAll(List<SourceRecord> chunk) {
        records.addAll(chunk);
    }

    public List<SourceRecord> records() {
        return records;
    }

    public int size() {
        return records.size();
    }

    public long deadline() {
        return deadline;
    }

    /** When the aggregator closed the batch (wall-clock ms); 0 while it is open. */
    public long closedAt() {
        return closedAt;
    }

    void close() {
        closedAt = System.currentTimeMillis();
    }
}
