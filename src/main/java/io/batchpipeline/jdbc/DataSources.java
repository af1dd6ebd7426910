package io.batchpipeline.jdbc;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.batchpipeline.common.InvalidPropertyException;

/** Builds HikariCP pools, failing fast with a clear message when the database is unreachable. */
public final class DataSources {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private DataSources() {
    }

    /** A pool for the database at {@code url}; errors name the property {@code url} and never show a password the URL may carry. */
    public static HikariDataSource create(String url, String username, String password, int poolSize) {
        return create(url, username, password, poolSize, null);
    }

    /**
     * @param meterRegistry a Micrometer registry for the pool's metrics ({@code hikaricp_connections_*}), which also
     *                      registers its MBeans in JMX; null for neither
     */
    public static HikariDataSource create(String url, String username, String password, int poolSize, Object meterRegistry) {
        if (url == null || !url.startsWith("jdbc:")) {
            throw new InvalidPropertyException("url", "'" + redact(url) + "' is not a JDBC URL (jdbc:h2:..., jdbc:postgresql://..., jdbc:mariadb://...)");
        }
        SqlDialect dialect = SqlDialect.ofUrl(url);
        HikariConfig config = new HikariConfig();
        // JMX refuses ':', '=', ',' and quotes in a name
        config.setPoolName(("pool " + POOLS.incrementAndGet() + " for " + redact(url)).replaceAll("[:=,\"*?\\n]", "_"));
        if (meterRegistry != null) {
            config.setMetricRegistry(meterRegistry);
            config.setRegisterMbeans(true);
        }
        config.setJdbcUrl(dialect != null ? dialect.safeUrl(url) : url);
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setAutoCommit(false);
        // fail at startup, not at the first batch, when the database cannot be reached
        config.setInitializationFailTimeout(1);
        config.setConnectionTimeout(10_000);
        if (dialect != null) {
            dialect.configure(config);
        }
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new InvalidPropertyException("url", "cannot connect to " + redact(url) + ": " + redact(cause.getMessage(), url)
                    + " (check the URL, the user name and password, and that the database is running)", e);
        } catch (RuntimeException e) {
            throw new InvalidPropertyException("url", "cannot open a pool for " + redact(url) + ": " + redact(e.getMessage(), url), e);
        }
    }

    /** Passwords a JDBC URL may carry (password=..., user:password@host), masked for messages and logs. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        return PASSWORD_PARAMETER.matcher(USER_INFO.matcher(text).replaceAll("$1******@")).replaceAll("$1******");
    }

    /**
     * A driver's message about {@code url}, with every password the URL carries masked wherever the message quotes it:
     * drivers quote parts of a URL they misread (MariaDB reads {@code user:password@host} as a host and a port, and
     * says "Incorrect port value : password@host").
     */
    public static String redact(String message, String url) {
        String redacted = redact(message);
        if (redacted == null || url == null) {
            return redacted;
        }
        for (Pattern secret : new Pattern[] {USER_INFO, PASSWORD_PARAMETER}) {
            Matcher found = secret.matcher(url);
            while (found.find()) {
                String password = found.group(2);
                if (!password.isEmpty()) {
                    redacted = redacted.replace(password, "******");
                }
            }
        }
        return redacted;
    }

    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)((?:password|pwd)=)([^&;\\s]*)");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@\\s]+:)([^@/\\s]*)@");
}
