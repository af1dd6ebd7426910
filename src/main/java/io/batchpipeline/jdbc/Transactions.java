package io.batchpipeline.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/** Runs work in one transaction on a pooled connection: committed when the work returns, rolled back when it throws. */
public final class Transactions {

    /** Database work inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private Transactions() {
    }

    /**
     * Takes a connection whose link failed out of the pool. HikariCP does that itself only for errors thrown through
     * its proxy; COPY runs on the driver's own connection ({@code unwrap}), so a lost link would go back to the pool,
     * and a retry within HikariCP's 500 ms validation bypass would take the same dead connection again, and again.
     */
    private static void evictIfLost(DataSource dataSource, Connection connection, Exception failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                try {
                    if (dataSource.isWrapperFor(HikariDataSource.class)) {
                        dataSource.unwrap(HikariDataSource.class).evictConnection(connection);
                    }
                } catch (SQLException e) {
                    failure.addSuppressed(e);
                }
                return;
            }
        }
    }

    public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
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
                    e.addSuppressed(rollbackFailed); // a lost connection cannot roll back; the work's own error decides what next
                }
                evictIfLost(dataSource, connection, e);
                throw e;
            }
        }
    }

    /**
     * Runs schema changes written to be repeatable ({@code CREATE TABLE IF NOT EXISTS}, ...) that several instances
     * starting together may run at the same moment. PostgreSQL fails the loser of such a race (a duplicate key in
     * its catalog) instead of making it wait; run again, it finds the work done.
     */
    public static void schemaChange(DataSource dataSource, Work<?> ddl) throws SQLException {
        try {
            inTransaction(dataSource, ddl);
        } catch (SQLException first) {
            try {
                inTransaction(dataSource, ddl);
            } catch (SQLException again) {
                again.addSuppressed(first);
                throw again;
            }
        }
    }
}
