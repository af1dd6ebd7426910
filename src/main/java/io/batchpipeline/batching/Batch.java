package io.batchpipeline.batching;

import java.util.ArrayList;
import java.util.List;

import io.batchpipeline.source.SourceRecord;

/**
 * The records collected by the aggregator for one write. {@code openedAt} and {@code deadline} are
 * wall-clock milliseconds: the batch must close by its deadline even when it has not reached its size.
 */
public final class Batch {

    private final List<SourceRecord> records;
    private final long openedAt;
    private final long deadline;
    private volatile long closedAt;

    Batch(int expectedSize, long openedAt, long deadline) {
        this.records = new ArrayList<>(expectedSize);
        this.openedAt = openedAt;
        this.deadline = deadline;
    }

    /** A batch built outside the aggregator, for example by a test or a replay. */
    public static Batch of(List<SourceRecord> records) {
        long now = System.currentTimeMillis();
        Batch batch = new Batch(records.size(), now, now);
        batch.records.addAll(records);
        return batch;
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

    public long openedAt() {
        return openedAt;
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
