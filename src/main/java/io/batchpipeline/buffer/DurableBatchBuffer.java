package io.batchpipeline.buffer;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.batchpipeline.batching.Batch;
import io.batchpipeline.batching.BatchJournal;
import io.batchpipeline.common.Errors;
import io.batchpipeline.delivery.RetryPolicy;
import io.batchpipeline.jdbc.Transactions;
import io.batchpipeline.observability.BufferDepth;
import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.source.SourceProgress;
import io.batchpipeline.source.RecordFormats;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.RecoverableAggregationRepository;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline's batches, kept in a database table until they are written (a pipeline's {@code durable} setting).
 *
 * <p>Every chunk is appended by the {@link #journal()} before the aggregator takes it; only then does the source
 * move on, so a file is done and a message acknowledged once its records are here. A batch leaves the buffer in
 * the transaction that writes it when the sink writes to the same database, which makes the write exactly-once;
 * otherwise when Camel confirms the written batch. {@link #progress()} tells a file read again after a crash
 * where its stored records end.
 *
 * <p>To Camel this is a {@link RecoverableAggregationRepository}: the aggregator's recover task {@link #scan}s
 * for batches that are in the buffer but neither filling nor being written in this run (after a crash, all
 * of them; at runtime, those whose write failed), {@link #recover}s each and hands it to the writers again.
 * Batches still filling are kept in memory as well, for the aggregator.
 *
 * <p>Several instances may share the tables: each stores its chunks under its own name and holds an
 * {@link OwnerLease} while it runs (Camel's aggregator starts and stops this repository). It recovers only its own
 * batches, and takes over another's once that one's lease has lapsed.
 */
public class DurableBatchBuffer extends ServiceSupport implements RecoverableAggregationRepository, BufferDepth {

    private static final Logger LOG = LoggerFactory.getLogger(DurableBatchBuffer.class);

    private final String name;
    private final DataSource dataSource;
    private final OwnerLease lease;
    private final BufferJournal journal;
    private final BufferedSourceProgress progress;
    private final BufferVacuum vacuum;
    private final Map<String, Exchange> filling = new ConcurrentHashMap<>();
    private long recoveryInterval;
    private boolean useRecovery = true;
    private String deadLetterUri;
    private int maximumRedeliveries;
    private volatile Depth depth = Depth.EMPTY;
    private volatile long depthAt;
    private final AtomicBoolean measuring = new AtomicBoolean();

    /**
     * Call {@link #init()} before use.
     *
     * @param name             the pipeline's rows in the tables, so that several pipelines can share them
     * @param dataSource       the database the tables live in; best the sink's own, for exactly-once writes
     * @param retry            how long appending waits out a database outage before the source fails
     * @param recoveryInterval ms between looks for batches to write again
     * @param instance         this instance's name among those sharing the tables
     * @param leaseMillis      how long the batches stay this instance's after it last renewed its lease
     */
    public DurableBatchBuffer(String name, DataSource dataSource, RetryPolicy retry, long recoveryInterval, String instance,
            long leaseMillis) {
        this.name = name;
        this.dataSource = dataSource;
        this.lease = new OwnerLease(name, instance, dataSource, leaseMillis);
        this.journal = new BufferJournal(name, lease.owner(), dataSource, retry);
        this.progress = new BufferedSourceProgress(name, dataSource, journal::forget);
        this.vacuum = new BufferVacuum(name, dataSource);
        this.recoveryInterval = recoveryInterval;
    }

    /** Creates the tables when missing. */
    public void createTables() throws SQLException {
        Transactions.schemaChange(dataSource, connection -> {
            BufferTable.create(connection);
            return null;
        });
    }

    /** Takes the lease; what this instance stored in an earlier run is its own again, and is written again. */
    @Override
    protected void doStart() throws Exception {
        lease.start();
        journal.start();
        vacuum.start();
        Set<String> left = Transactions.inTransaction(dataSource, connection -> BufferTable.batchIds(connection, name, lease.owner()));
        if (!left.isEmpty()) {
            LOG.info("Durable buffer {}: {} batches left by an earlier run are written again", name, left.size());
        }
    }

    @Override
    protected void doStop() throws InterruptedException {
        journal.stop(APPENDER_STOP_MILLIS); // what is queued is stored first: the writers of the last batches wait for it
        vacuum.stop();
        lease.stop();
    }

    /** Where the aggregation strategy stores each chunk, and which releases a batch as it is written. */
    public BatchJournal journal() {
        return journal;
    }

    /** How far each file was stored, for the reader. */
    public SourceProgress progress() {
        return progress;
    }

    /**
     * The depth measured at most {@link #DEPTH_MAX_AGE_MILLIS} ago. A newer one is measured in the background, so a
     * scrape or a health check never waits on a database that is slow or away.
     */
    @Override
    public Depth depth() {
        if (System.currentTimeMillis() - depthAt > DEPTH_MAX_AGE_MILLIS && measuring.compareAndSet(false, true)) {
            CompletableFuture.runAsync(() -> {
                try {
                    depth = Transactions.inTransaction(dataSource, connection -> BufferTable.depth(connection, name));
                } catch (Exception e) {
                    LOG.debug("Durable buffer {}: cannot measure its depth: {}", name, e.toString());
                } finally {
                    depthAt = System.currentTimeMillis();
                    measuring.set(false);
                }
            });
        }
        return depth;
    }

    private static final long DEPTH_MAX_AGE_MILLIS = 5000;
    private static final long APPENDER_STOP_MILLIS = 30_000;

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
        if (journal.takeReleased(exchangeId)) {
            return true; // gone with the transaction that wrote it
        }
        try {
            Transactions.inTransaction(dataSource, connection -> BufferTable.delete(connection, name, lease.owner(), exchangeId));
            return true;
        } catch (SQLException e) {
            LOG.warn("Durable buffer {}: cannot release written batch {} yet: {}", name, exchangeId, Errors.describe(e));
            return false;
        }
    }

    // --- recovery

    /** Takes over the chunks of instances whose lease lapsed, then lists this instance's batches that are not filling. */
    @Override
    public Set<String> scan(CamelContext camelContext) {
        try {
            int[] taken = new int[1];
            Set<String> ids = Transactions.inTransaction(dataSource, connection -> {
                taken[0] = BufferTable.takeOver(connection, name, lease.owner());
                return BufferTable.batchIds(connection, name, lease.owner());
            });
            if (taken[0] > 0) {
                LOG.info("Durable buffer {}: {} stored chunks left by an earlier run, or by an instance whose lease lapsed, "
                        + "are written again", name, taken[0]);
            }
            ids.removeAll(journal.openBatches()); // read after the query: a batch closed since is in Camel's in-progress set
            vacuum.request(); // frees the space of what was released since the last look
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
            chunks = Transactions.inTransaction(dataSource, connection -> BufferTable.chunks(connection, name, lease.owner(), exchangeId));
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
            records.addAll(ChunkCodec.load(chunk, spec -> specs.computeIfAbsent(spec, RecordFormats::ofSpec)));
        }
        Exchange exchange = new DefaultExchange(camelContext);
        exchange.setExchangeId(exchangeId);
        exchange.setProperty(ExchangePropertyKey.AGGREGATED_CORRELATION_KEY, name);
        // one of the values Camel's completion statistics know; the batch itself says it was recovered
        exchange.setProperty(ExchangePropertyKey.AGGREGATED_COMPLETED_BY, "force");
        exchange.getMessage().setBody(Batch.recovered(exchangeId, records, chunks.size()));
        LOG.info("Durable buffer {}: writing batch {} again ({} records from {})", name, exchangeId, records.size(),
                chunks.get(0).source());
        return exchange;
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
