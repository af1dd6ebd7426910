package io.batchpipeline.buffer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.batchpipeline.common.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vacuums the buffer's tables (PostgreSQL; see {@code SqlDialect#vacuum}) on a thread of its own, one vacuum at a
 * time, when asked at each look for batches to recover: the first vacuum of a table left unvacuumed can take long
 * (43 s for 6 GB here), and must not hold back the recovery of stored batches, nor take from the pool a connection
 * that the writers or the appender wait for: it opens one of its own.
 */
final class BufferVacuum {

    private static final Logger LOG = LoggerFactory.getLogger(BufferVacuum.class);

    private final String name;
    private final DataSource dataSource;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean refused;
    /** The database's vacuum statement, once known; "" where it has none. */
    private volatile String statement;
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

    /** A vacuum still running is left to finish, on its daemon thread. */
    void stop() {
        thread.shutdown();
    }

    /** Starts a vacuum, unless one is running, PostgreSQL refused the statement, or the buffer is not started. */
    void request() {
        if (refused || "".equals(statement) || thread == null || !running.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.execute(this::vacuum);
        } catch (RejectedExecutionException e) { // stopping
            running.set(false);
        }
    }

    /** A connection outside the pool, to the pool's database; from the pool where that is not known. */
    private Connection connect() throws SQLException {
        if (dataSource instanceof HikariDataSource pool && pool.getJdbcUrl() != null) {
            return DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
        }
        return dataSource.getConnection();
    }

    private void vacuum() {
        try {
            if (statement == null) {
                try (Connection connection = dataSource.getConnection()) {
                    String vacuum = BufferTable.vacuum(connection);
                    statement = vacuum == null ? "" : vacuum;
                }
            }
            if (statement.isEmpty()) {
                return;
            }
            try (Connection connection = connect(); Statement vacuum = connection.createStatement()) {
                connection.setAutoCommit(true); // VACUUM runs outside a transaction
                vacuum.execute(statement);
            }
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
