package io.batchpipeline.buffer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import io.batchpipeline.batching.Batch;
import io.batchpipeline.batching.BatchJournal;
import io.batchpipeline.delivery.RetryPolicy;
import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.sink.SameTransaction;
import org.apache.camel.Exchange;

/**
 * Writes a pipeline's chunks to the buffer as they join a batch, through the {@link ChunkAppender}, which stores
 * many in one transaction, together with how far each file being read is stored. Knows which batches are still
 * filling (never recovered) and which left the buffer with the transaction that wrote them.
 */
final class BufferJournal implements BatchJournal {

    private final String name;
    private final String owner;
    private final DataSource dataSource;
    private final ChunkAppender appender;
    private final Set<String> openBatches = ConcurrentHashMap.newKeySet();
    /** Batches deleted by the transaction that wrote them, so Camel's confirmation needs no second DELETE. */
    private final Set<String> released = ConcurrentHashMap.newKeySet();

    BufferJournal(String name, String owner, DataSource dataSource, RetryPolicy retry) {
        this.name = name;
        this.owner = owner;
        this.dataSource = dataSource;
        this.appender = new ChunkAppender(name, owner, dataSource, retry);
    }

    /** Hands the chunk to the appender and returns: the batch and the chunk's source learn when it is stored. */
    @Override
    public void append(Batch batch, List<SourceRecord> chunk, Exchange chunkExchange) {
        if (chunk.isEmpty()) {
            return;
        }
        int position = batch.chunks();
        if (position == 0) {
            openBatches.add(batch.id());
        }
        CompletableFuture<Void> ticket = new CompletableFuture<>();
        appender.append(new ChunkAppender.Pending(batch.id(), position, ChunkCodec.store(chunk), chunk.size(), SourceKey.of(chunkExchange),
                chunk.get(chunk.size() - 1).line(), ticket));
        batch.stored().add(ticket);
        SourceReceipt.eachRun(chunk, (receipt, records) -> receipt.stored().add(ticket)); // a chunk may hold several messages' records
    }

    void start() {
        appender.start();
    }

    /** Forgets how far a source was stored, with the next append. */
    void forget(String sourceKey) {
        appender.forget(sourceKey);
    }

    /** Stores the chunks still queued; waits at most {@code timeoutMillis}. */
    void stop(long timeoutMillis) throws InterruptedException {
        appender.stop(timeoutMillis);
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
