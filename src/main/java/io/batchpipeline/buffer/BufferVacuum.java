package io.batchpipeline.buffer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.batchpipeline.common.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vacuums the buffer's tables (PostgreSQL; see {@code SqlDialect#vacuum}) on a thread of its own, one vacuum at a
 * time, when asked at each look for batches to recover: the first vacuum of a table left unvacuumed can take long
 * (43 s for 6 GB here), and must not hold back the recovery of stored batches.
 */
final class BufferVacuum {

    private static final Logger LOG = LoggerFactory.getLogger(BufferVacuum.class);

    private final String name;
    private final DataSource dataSource;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean refused;
    private volatile ExecutorService thread;

    BufferVacuum(String name, DataSource dataSource) {
        this.name = name;
        this.dataSource = dataSource;
    }

    void start() {
        thread = Executors.newSingleThreadExecutor(task -> {
            Thread vacuum = new Thread(task, "durable-buffer-vacuum-" + name);
            vacuum.setDaemon(true);
            return vacuum;
        });
    }

    /** A vacuum still running is left to finish; the pool's closing ends its connection. */
    void stop() {
        thread.shutdown();
    }

    /** Starts a vacuum, unless one is running, PostgreSQL refused the statement, or the buffer is not started. */
    void request() {
        if (refused || thread == null || !running.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.execute(this::vacuum);
        } catch (RejectedExecutionException e) { // stopping
            running.set(false);
        }
    }

    private void vacuum() {
        try (Connection connection = dataSource.getConnection()) {
            BufferTable.vacuum(connection);
        } catch (SQLException e) {
            // 42: the statement or the privilege (PostgreSQL before 12 has no SKIP_LOCKED): said once, not every look
            refused = e.getSQLState() != null && e.getSQLState().startsWith("42");
            LOG.warn("Durable buffer {}: cannot vacuum its tables: {}; {}", name, Errors.describe(e),
                    refused ? "their space is left to autovacuum" : "it is tried again at the next look");
        } finally {
            running.set(false);
        }
    }
}
