package io.batchpipeline.buffer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.batchpipeline.batching.Batch;
import io.batchpipeline.batching.BatchJournal;
import io.batchpipeline.deadletter.Errors;
import io.batchpipeline.delivery.RetryPolicy;
import io.batchpipeline.sink.SameTransaction;
import io.batchpipeline.source.RecordFormat;
import io.batchpipeline.source.SourceRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.RecoverableAggregationRepository;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline's batches, kept in a database table until they are written ({@code batch.durable=true}).
 *
 * <p>Every chunk is appended, one INSERT, before the aggregator takes it; only then does the source move on,
 * so a file is done and a message acknowledged once its records are here. A batch leaves the buffer in the
 * transaction that writes it when the sink writes to the same database ({@link #release}), which makes the
 * write exactly-once; otherwise when Camel confirms the written batch. The same INSERT's transaction records
 * how far the file being read is stored, so a file read again after a crash resumes there instead of storing
 * its first records twice.
 *
 * <p>To Camel this is a {@link RecoverableAggregationRepository}: the aggregator's recover task {@link #scan}s
 * for batches that are in the buffer but neither filling nor being written in this run (after a crash, all
 * of them; at runtime, those whose write failed), {@link #recover}s each and hands it to the writers again.
 * Batches still filling are kept in memory as well, for the aggregator.
 */
public class DurableBatchBuffer implements RecoverableAggregationRepository, BatchJournal {

    private static final Logger LOG = LoggerFactory.getLogger(DurableBatchBuffer.class);

    private final String name;
    private final DataSource dataSource;
    private final Map<String, Exchange> filling = new ConcurrentHashMap<>();
    private final Set<String> openBatches = ConcurrentHashMap.newKeySet();
    /** Batches deleted by the transaction that wrote them, so Camel's confirmation needs no second DELETE. */
    private final Set<String> released = ConcurrentHashMap.newKeySet();
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private long recoveryInterval = 5000;
    private boolean useRecovery = true;
    private String deadLetterUri;
    private int maximumRedeliveries;

    /**
     * Call {@link #init()} before use.
     *
     * @param name       the pipeline's rows in the table, so that several pipelines can share it; one buffer per pipeline
     * @param dataSource the database the table lives in; best the sink's own, for exactly-once writes
     */
    public DurableBatchBuffer(String name, DataSource dataSource) {
        this.name = name;
        this.dataSource = dataSource;
    }

    /** How long appending waits out a database outage before the source fails. */
    public void setRetry(RetryPolicy retry) {
        this.retry = retry;
    }

    /** Creates the table when missing and says what an earlier run left behind. */
    public void init() throws SQLException {
        Set<String> left = inTransaction(connection -> {
            BufferTable.create(connection);
            return BufferTable.batchIds(connection, name);
        });
        if (!left.isEmpty()) {
            LOG.info("Durable buffer {}: {} batches left by an earlier run are written again", name, left.size());
        }
    }

    // --- the journal: called by the aggregation strategy

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
        BufferTable.StoredChunk stored = new BufferTable.StoredChunk(first.source(), first.format().spec(),
                position == 0 ? BatchSettings.of(chunkExchange) : null, ChunkCodec.encode(chunk));
        String sourceKey = FileKey.of(chunkExchange);
        long lastLine = chunk.get(chunk.size() - 1).line();
        AtomicInteger attempts = new AtomicInteger();
        Exception failure;
        try {
            failure = retry.run("Append of " + chunk.size() + " records to the durable buffer", LOG,
                    () -> inTransaction(connection -> {
                        if (attempts.incrementAndGet() > 1 && BufferTable.holds(connection, name, batch.id(), position)) {
                            return null; // the failed attempt committed after all: its acknowledgement was lost
                        }
                        BufferTable.insert(connection, name, batch.id(), position, stored);
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

    @Override
    public long storedThrough(Exchange sourceExchange) {
        String key = FileKey.of(sourceExchange);
        if (key == null) {
            return 0;
        }
        try {
            return inTransaction(connection -> BufferTable.storedThrough(connection, name, key));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read from the durable buffer how far "
                    + sourceExchange.getMessage().getHeader(Exchange.FILE_NAME) + " was stored: " + Errors.describe(e), e);
        }
    }

    @Override
    public void sourceDone(Exchange sourceExchange) {
        String key = FileKey.of(sourceExchange);
        if (key == null) {
            return;
        }
        try {
            inTransaction(connection -> {
                BufferTable.forgetSource(connection, name, key);
                return null;
            });
        } catch (SQLException e) {
            // harmless: the mark names this exact file (name, size, time), which is done
            LOG.warn("Durable buffer {}: cannot forget how far {} was stored: {}", name,
                    sourceExchange.getMessage().getHeader(Exchange.FILE_NAME), Errors.describe(e));
        }
    }

    /** Deletes the batch from the buffer inside the sink's transaction; false if it is gone already (written). */
    public SameTransaction release(Batch batch) {
        return new SameTransaction() {
            @Override
            public DataSource dataSource() {
                return dataSource;
            }

            @Override
            public boolean run(Connection connection) throws SQLException {
                return BufferTable.delete(connection, name, batch.id()) > 0;
            }

            @Override
            public void committed() {
                released.add(batch.id());
            }
        };
    }

    // --- Camel's aggregation repository: the batches being filled

    @Override
    public Exchange add(CamelContext camelContext, String key, Exchange exchange) {
        return filling.put(key, exchange);
    }

    @Override
    public Exchange get(CamelContext camelContext, String key) {
        return filling.get(key);
    }

    @Override
    public void remove(CamelContext camelContext, String key, Exchange exchange) {
        filling.remove(key);
    }

    @Override
    public Set<String> getKeys() {
        return Set.copyOf(filling.keySet());
    }

    @Override
    public void confirm(CamelContext camelContext, String exchangeId) {
        confirmWithResult(camelContext, exchangeId);
    }

    /** The batch was written (or dead-lettered): let it go. A failure here only means it is written once more later. */
    @Override
    public boolean confirmWithResult(CamelContext camelContext, String exchangeId) {
        if (released.remove(exchangeId)) {
            return true; // gone with the transaction that wrote it
        }
        try {
            inTransaction(connection -> BufferTable.delete(connection, name, exchangeId));
            return true;
        } catch (SQLException e) {
            LOG.warn("Durable buffer {}: cannot release written batch {} yet: {}", name, exchangeId, Errors.describe(e));
            return false;
        }
    }

    // --- recovery

    @Override
    public Set<String> scan(CamelContext camelContext) {
        try {
            Set<String> ids = inTransaction(connection -> BufferTable.batchIds(connection, name));
            ids.removeAll(Set.copyOf(openBatches)); // read after the query: a batch closed since is in Camel's in-progress set
            return ids;
        } catch (SQLException e) {
            LOG.warn("Durable buffer {}: cannot look for batches to recover: {}", name, Errors.describe(e));
            return Set.of();
        }
    }

    @Override
    public Exchange recover(CamelContext camelContext, String exchangeId) {
        List<BufferTable.StoredChunk> chunks;
        try {
            chunks = inTransaction(connection -> BufferTable.chunks(connection, name, exchangeId));
        } catch (SQLException e) {
            LOG.warn("Durable buffer {}: cannot read batch {}: {}", name, exchangeId, Errors.describe(e));
            return null;
        }
        if (chunks.isEmpty()) {
            return null; // written meanwhile
        }
        List<SourceRecord> records = new ArrayList<>();
        Map<String, RecordFormat> specs = new HashMap<>();
        for (BufferTable.StoredChunk chunk : chunks) {
            RecordFormat format = specs.computeIfAbsent(chunk.format(), RecordFormat::ofSpec);
            records.addAll(ChunkCodec.decode(chunk.records(), chunk.source(), format));
        }
        Exchange exchange = new DefaultExchange(camelContext);
        exchange.setExchangeId(exchangeId);
        BatchSettings.restore(exchange, chunks.get(0).properties());
        exchange.setProperty(ExchangePropertyKey.AGGREGATED_CORRELATION_KEY, exchange.getFromRouteId());
        // one of the values Camel's completion statistics know; the batch itself says it was recovered
        exchange.setProperty(ExchangePropertyKey.AGGREGATED_COMPLETED_BY, "force");
        exchange.getMessage().setBody(Batch.recovered(exchangeId, records));
        LOG.info("Durable buffer {}: writing batch {} again ({} records from {})", name, exchangeId, records.size(),
                chunks.get(0).source());
        return exchange;
    }

    @FunctionalInterface
    private interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed);
                }
                throw e;
            }
        }
    }

    // --- recovery settings Camel reads

    @Override
    public void setRecoveryInterval(long interval, TimeUnit timeUnit) {
        this.recoveryInterval = timeUnit.toMillis(interval);
    }

    @Override
    public void setRecoveryInterval(long interval) {
        this.recoveryInterval = interval;
    }

    @Override
    public long getRecoveryInterval() {
        return recoveryInterval;
    }

    @Override
    public void setUseRecovery(boolean useRecovery) {
        this.useRecovery = useRecovery;
    }

    @Override
    public boolean isUseRecovery() {
        return useRecovery;
    }

    /** Not used: a batch that keeps failing stays in the buffer and is retried, never dropped. */
    @Override
    public void setDeadLetterUri(String deadLetterUri) {
        this.deadLetterUri = deadLetterUri;
    }

    @Override
    public String getDeadLetterUri() {
        return deadLetterUri;
    }

    @Override
    public void setMaximumRedeliveries(int maximumRedeliveries) {
        this.maximumRedeliveries = maximumRedeliveries;
    }

    @Override
    public int getMaximumRedeliveries() {
        return maximumRedeliveries;
    }

    @Override
    public String toString() {
        return "durable buffer " + name;
    }
}
