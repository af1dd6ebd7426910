package io.batchpipeline.buffer;

import java.sql.SQLException;

import javax.sql.DataSource;

import io.batchpipeline.common.Errors;
import io.batchpipeline.coordination.Renewal;
import io.batchpipeline.jdbc.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's hold on its batches in the durable buffer: a lease in {@code batch_pipeline_owners}, renewed
 * every third of its length. Other instances take the batches over only once the lease has lapsed, that is after
 * a crash, or after a stall longer than the lease (in which case the release in the write's transaction keeps each
 * batch written once).
 */
final class OwnerLease {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerLease.class);

    private final String pipeline;
    private final String owner;
    private final DataSource dataSource;
    private final long millis;
    private Renewal renewal;

    OwnerLease(String pipeline, String owner, DataSource dataSource, long millis) {
        this.pipeline = pipeline;
        this.owner = owner;
        this.dataSource = dataSource;
        this.millis = millis;
    }

    /** Who this instance is in the buffer. */
    String owner() {
        return owner;
    }

    void start() throws SQLException {
        grant();
        renewal = new Renewal("the durable buffer lease of " + owner + " for pipeline " + pipeline,
                "other instances take over its batches", millis, () -> {
                    if (!grant()) {
                        LOG.warn("Durable buffer {}: the lease of {} lapsed (not renewed for {} ms) and other instances may have "
                                + "taken over its batches; each is still written once", pipeline, owner, millis);
                    }
                });
    }

    /** Ends the lease, so that whatever is left is taken over by the other instances at once rather than later. */
    void stop() {
        if (renewal != null) {
            renewal.close();
            renewal = null;
        }
        try {
            Transactions.inTransaction(dataSource, connection -> {
                BufferTable.endLease(connection, pipeline, owner);
                return null;
            });
        } catch (SQLException e) {
            LOG.warn("Durable buffer {}: cannot end the lease of {}; other instances take over what it left once it lapses: {}",
                    pipeline, owner, Errors.describe(e));
        }
    }

    private boolean grant() throws SQLException {
        return Transactions.inTransaction(dataSource, connection -> BufferTable.lease(connection, pipeline, owner, millis));
    }
}
