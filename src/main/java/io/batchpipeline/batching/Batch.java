package io.batchpipeline.batching;

import java.util.ArrayList;
import java.util.List;

import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.record.StoredChunks;

/**
 * The records collected by the aggregator for one write. {@code id} is the aggregated exchange's id, which
 * the durable buffer files the batch under. {@code deadline} and {@code closedAt} are wall-clock
 * milliseconds: the batch must close by its deadline even when it has not reached its size.
 */
public final class Batch {

    private final String id;
    private final List<SourceRecord> records;
    private final long deadline;
    private volatile long closedAt;
    private int chunks;
    private long characters;
    private boolean recovered;
    private final StoredChunks stored = new StoredChunks();

    Batch(String id, int expectedSize, long deadline) {
        this.id = id;
        this.records = new ArrayList<>(expectedSize);
        this.deadline = deadline;
    }

    /** A batch read back from the durable buffer, where it was stored in {@code chunks} parts: closed, and due now. */
    public static Batch recovered(String id, List<SourceRecord> records, int chunks) {
        Batch batch = new Batch(id, records.size(), System.currentTimeMillis());
        batch.addAll(records);
        batch.chunks = chunks;
        batch.recovered = true;
        batch.close();
        return batch;
    }

    void addAll(List<SourceRecord> chunk) {
        if (chunk.isEmpty()) {
            return; // not stored either: positions of stored chunks stay 0, 1, 2, ...
        }
        records.addAll(chunk);
        for (SourceRecord record : chunk) {
            characters += record.text().size();
        }
        chunks++;
    }

    public String id() {
        return id;
    }

    public List<SourceRecord> records() {
        return records;
    }

    public int size() {
        return records.size();
    }

    /** Characters of record text the batch holds: its size in bytes for ASCII text. */
    public long characters() {
        return characters;
    }

    /** How many chunks of records the batch has taken (or was stored in); the next chunk's position. */
    public int chunks() {
        return chunks;
    }

    /** The batch's chunks that the durable buffer stores (none when the batch is not kept durably). */
    public StoredChunks stored() {
        return stored;
    }

    /** Read back from the durable buffer rather than filled by the aggregator. */
    public boolean recovered() {
        return recovered;
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
