package io.batchpipeline.sink.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.batchpipeline.config.InvalidSettingException;

/** Builds the HikariCP pool for the JDBC sink, failing fast with a clear message when the database is unreachable. */
public final class DataSources {

    private DataSources() {
    }

    public static HikariDataSource create(String url, String username, String password, int poolSize) {
        if (url == null || !url.startsWith("jdbc:")) {
            throw new InvalidSettingException("sink.jdbc.url", "'" + url + "' is not a JDBC URL (jdbc:h2:..., jdbc:postgresql://..., jdbc:mariadb://...)");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("batch-pipeline-jdbc");
        config.setJdbcUrl(url);
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setAutoCommit(false);
        // fail at startup, not at the first batch, when the database cannot be reached
        config.setInitializationFailTimeout(1);
        config.setConnectionTimeout(10_000);
        if (url.startsWith("jdbc:postgresql:")) {
            // one multi-row INSERT per executeBatch instead of one statement per row
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new InvalidSettingException("sink.jdbc.url", "cannot connect to " + url + ": " + cause.getMessage()
                    + " (check the URL, sink.jdbc.username and sink.jdbc.password, and that the database is running)", e);
        } catch (RuntimeException e) {
            throw new InvalidSettingException("sink.jdbc.url", "cannot open a pool for " + url + ": " + e.getMessage(), e);
        }
    }
}
