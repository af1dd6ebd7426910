package io.batchpipeline.source;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.record.SourceRecord;

/**
 * Groups records into chunks, one Camel exchange each: with one exchange per record the route itself tops
 * out near 160k records/s, whatever the sink. Each chunk holds at most the room left in the pipeline's open
 * batch, so a batch that closes on size holds exactly batch.size records, and one that closes on its text's size
 * goes over it by less than one record. A chunk may hold records of several messages (a Kafka poll); each record's
 * receipt learns how many of its records entered.
 */
final class ChunkIterator implements Iterator<List<SourceRecord>>, Closeable {

    /** Chunks are bounded too, so a huge batch.size does not make one exchange read a whole file. */
    static final int MAX_CHUNK = 1000;

    private final RecordStream records;
    private final BatchRoom room;

    ChunkIterator(RecordStream records, BatchRoom room) {
        this.records = records;
        this.room = room;
    }

    @Override
    public boolean hasNext() {
        return records.hasNext();
    }

    @Override
    public List<SourceRecord> next() {
        if (!records.hasNext()) {
            throw new NoSuchElementException();
        }
        int size = Math.max(1, Math.min(MAX_CHUNK, room.records()));
        long characters = room.characters();
        List<SourceRecord> chunk = new ArrayList<>(size);
        long taken = 0;
        while (chunk.size() < size && taken < characters && records.hasNext()) {
            SourceRecord record = records.next();
            chunk.add(record);
            taken += record.text().size();
        }
        if (chunk.isEmpty()) { // the open batch is full and about to close: a chunk takes at least one record
            chunk.add(records.next());
        }
        SourceReceipt.eachRun(chunk, SourceReceipt::add); // before the chunk enters a batch, which may be written at once
        return chunk;
    }

    @Override
    public void close() {
        records.close(); // the split EIP closes what it iterated, also when it stops early
    }
}
