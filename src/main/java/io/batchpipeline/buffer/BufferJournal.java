package io.batchpipeline.buffer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.batchpipeline.batching.Batch;
import io.batchpipeline.batching.BatchJournal;
import io.batchpipeline.common.Errors;
import io.batchpipeline.delivery.RetryPolicy;
import io.batchpipeline.jdbc.Transactions;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.sink.SameTransaction;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a pipeline's chunks to the buffer as they join a batch, one INSERT each, committed before the source
 * moves on; the same transaction records how far the file being read is stored. Knows which batches are still
 * filling (never recovered) and which left the buffer with the transaction that wrote them.
 */
final class BufferJournal implements BatchJournal {

    private static final Logger LOG = LoggerFactory.getLogger(BufferJournal.class);

    private final String name;
    private final String owner;
    private final DataSource dataSource;
    private final RetryPolicy retry;
    private final Set<String> openBatches = ConcurrentHashMap.newKeySet();
    /** Batches deleted by the transaction that wrote them, so Camel's confirmation needs no second DELETE. */
    private final Set<String> released = ConcurrentHashMap.newKeySet();

    BufferJournal(String name, String owner, DataSource dataSource, RetryPolicy retry) {
        this.name = name;
        this.owner = owner;
        this.dataSource = dataSource;
        this.retry = retry;
    }

    @Override
    public void append(Batch batch, List<SourceRecord> chunk, Exchange chunkExchange) {
        if (chunk.isEmpty()) {
            return;
        }
        int position = batch.chunks();
        if (position == 0) {
            openBatches.add(batch.id());
        }
        SourceRecord first = chunk.get(0);
        BufferTable.StoredChunk stored = new BufferTable.StoredChunk(first.source(), first.format().spec(), ChunkCodec.encode(chunk));
        String sourceKey = SourceKey.of(chunkExchange);
        long lastLine = chunk.get(chunk.size() - 1).line();
        AtomicInteger attempts = new AtomicInteger();
        Exception failure;
        try {
            failure = retry.run("Append of " + chunk.size() + " records to the durable buffer", LOG,
                    () -> Transactions.inTransaction(dataSource, connection -> {
                        if (attempts.incrementAndGet() > 1 && BufferTable.holds(connection, name, batch.id(), position)) {
                            return null; // the failed attempt committed after all: its acknowledgement was lost
                        }
                        BufferTable.insert(connection, name, owner, batch.id(), position, stored, chunk.size());
                        if (sourceKey != null) {
                            BufferTable.storeThrough(connection, name, sourceKey, first.source(), lastLine);
                        }
                        return null;
                    }));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        }
        if (failure != null) {
            if (position == 0) {
                openBatches.remove(batch.id());
            }
            throw new IllegalStateException("cannot append " + chunk.size() + " records from " + first.source()
                    + " to the durable buffer: " + Errors.describe(failure) + "; they are not taken", failure);
        }
    }

    @Override
    public void closed(Batch batch) {
        openBatches.remove(batch.id());
    }

    /**
     * Deletes the batch from the buffer inside the sink's transaction. False, so that the write rolls back, unless
     * every chunk of the batch is still there and this instance's: otherwise an earlier attempt wrote it, or
     * another instance took it over after this one's lease lapsed and writes it.
     */
    @Override
    public SameTransaction release(Batch batch) {
        return new SameTransaction() {
            @Override
            public DataSource dataSource() {
                return dataSource;
            }

            @Override
            public boolean run(Connection connection) throws SQLException {
                return BufferTable.delete(connection, name, owner, batch.id()) == batch.chunks();
            }

            @Override
            public void committed() {
                released.add(batch.id());
            }
        };
    }

    /** The batches still filling, which recovery must leave alone. */
    Set<String> openBatches() {
        return Set.copyOf(openBatches);
    }

    /** Whether the batch left the buffer with the transaction that wrote it; forgets it. */
    boolean takeReleased(String batchId) {
        return released.remove(batchId);
    }
}
