package io.batchpipeline.sink.jdbc;

import java.util.Locale;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.batchpipeline.config.InvalidSettingException;

/** Builds the HikariCP pool for the JDBC sink, failing fast with a clear message when the database is unreachable. */
public final class DataSources {

    private DataSources() {
    }

    /**
     * Two H2 defaults that lose committed rows, switched off unless the URL sets them itself.
     * <ul>
     * <li>H2 closes its databases from a JVM shutdown hook, which runs beside Camel's graceful stop: on SIGTERM
     * the batches being flushed would hit a closed database. The pipeline closes the pool itself once every
     * batch is written, so H2 must not ({@code DB_CLOSE_ON_EXIT=FALSE}).</li>
     * <li>H2 keeps commits in memory for up to 500 ms ({@code WRITE_DELAY}): a killed process loses them,
     * though the file they came from is already marked done. {@code WRITE_DELAY=0} writes each commit to the
     * file before the commit returns; the operating system then keeps it through a kill (not a power cut:
     * H2 does not fsync every commit).</li>
     * </ul>
     */
    static String withSafeH2Settings(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        String upper = url.toUpperCase(Locale.ROOT);
        StringBuilder safe = new StringBuilder(url);
        if (!upper.contains("DB_CLOSE_ON_EXIT")) {
            safe.append(";DB_CLOSE_ON_EXIT=FALSE");
        }
        if (!upper.startsWith("JDBC:H2:MEM:") && !upper.contains("WRITE_DELAY")) {
            safe.append(";WRITE_DELAY=0");
        }
        return safe.toString();
    }

    /** A pool for the sink's database, named by the {@code sink.jdbc.*} keys in errors. */
    public static HikariDataSource create(String url, String username, String password, int poolSize) {
        return create("sink.jdbc.url", url, username, password, poolSize);
    }

    /**
     * A pool for the database at {@code url}, which the setting {@code urlKey} gave; errors name that setting
     * and never show a password the URL may carry.
     */
    public static HikariDataSource create(String urlKey, String url, String username, String password, int poolSize) {
        if (url == null || !url.startsWith("jdbc:")) {
            throw new InvalidSettingException(urlKey, "'" + redact(url) + "' is not a JDBC URL (jdbc:h2:..., jdbc:postgresql://..., jdbc:mariadb://...)");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("pool for " + urlKey);
        config.setJdbcUrl(withSafeH2Settings(url));
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
        if (url.startsWith("jdbc:mariadb:")) {
            // the bulk protocol sends a whole executeBatch in one exchange
            config.addDataSourceProperty("useBulkStmts", "true");
        }
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new InvalidSettingException(urlKey, "cannot connect to " + redact(url) + ": " + redact(cause.getMessage())
                    + " (check the URL, the user name and password, and that the database is running)", e);
        } catch (RuntimeException e) {
            throw new InvalidSettingException(urlKey, "cannot open a pool for " + redact(url) + ": " + redact(e.getMessage()), e);
        }
    }

    /** Passwords a JDBC URL may carry (password=..., user:password@host), masked for messages and logs. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        return PASSWORD_PARAMETER.matcher(USER_INFO.matcher(text).replaceAll("$1******@")).replaceAll("$1******");
    }

    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)((?:password|pwd)=)[^&;\\s]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@\\s]+:)[^@/\\s]*@");
}
