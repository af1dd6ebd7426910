package io.batchpipeline.batching;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows collected by the aggregator for one write. {@code openedAt} and {@code deadline} are wall-clock
 * milliseconds: the batch must be flushed by its deadline even when it has not reached the size.
 */
public final class Batch {

    private final List<Row> rows;
    private final long openedAt;
    private final long deadline;
    private volatile long closedAt;

    Batch(int expectedSize, long openedAt, long deadline) {
        this.rows = new ArrayList<>(expectedSize);
        this.openedAt = openedAt;
        this.deadline = deadline;
    }

    /** A batch built outside the aggregator, for example by a test or a replay. */
    public static Batch of(List<Row> rows) {
        long now = System.currentTimeMillis();
        Batch batch = new Batch(rows.size(), now, now);
        batch.rows.addAll(rows);
        return batch;
    }

    void add(Row row) {
        rows.add(row);
    }

    public List<Row> rows() {
        return rows;
    }

    public int size() {
        return rows.size();
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
