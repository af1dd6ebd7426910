package io.batchpipeline.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariConfig;

/**
 * What differs between the supported databases, in one place: how an upsert is spelled, the column types of the
 * durable buffer's tables, the driver options that make a batch one round trip, and what PostgreSQL alone can
 * (COPY) or cannot (a NUL character in text) do.
 */
public enum SqlDialect {

    H2("jdbc:h2:", "VARCHAR", "VARBINARY") {
        @Override
        public String upsert(String table, List<Column> columns, List<Column> keys, Column version) {
            if (version == null) {
                return "MERGE INTO " + table + " (" + names(columns) + ") KEY (" + names(keys) + ") VALUES (" + params(columns) + ")";
            }
            // the standard MERGE, whose WHEN MATCHED takes a condition
            String incoming = "incoming_row";
            return "MERGE INTO " + table + " AS " + TARGET + " USING (VALUES (" + params(columns) + ")) AS " + incoming
                    + " (" + names(columns) + ") ON " + keys.stream().map(k -> TARGET + "." + k.quoted() + " = " + incoming + "." + k.quoted())
                            .collect(Collectors.joining(" AND "))
                    + " WHEN MATCHED AND " + newer(incoming + "." + version.quoted(), TARGET + "." + version.quoted()) + " THEN UPDATE SET "
                    + updated(columns, keys).stream().map(c -> c.quoted() + " = " + incoming + "." + c.quoted()).collect(Collectors.joining(", "))
                    + " WHEN NOT MATCHED THEN INSERT (" + names(columns) + ") VALUES ("
                    + columns.stream().map(c -> incoming + "." + c.quoted()).collect(Collectors.joining(", ")) + ")";
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
        @Override
        String safeUrl(String url) {
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
    },
    POSTGRESQL("jdbc:postgresql:", "TEXT", "BYTEA") {
        @Override
        public String upsert(String table, List<Column> columns, List<Column> keys, Column version) {
            return "INSERT INTO " + table + " AS " + TARGET + " (" + names(columns) + ") VALUES (" + params(columns) + ")"
                    + onConflict(columns, keys, version);
        }

        @Override
        void configure(HikariConfig config) {
            // one multi-row INSERT per executeBatch instead of one statement per row
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }

        @Override
        public boolean rejectsNul() {
            return true; // text cannot hold U+0000
        }

        @Override
        public boolean hasCopy() {
            return true;
        }

        /**
         * The durable buffer's chunks are written once and read back only after a crash. PostgreSQL's default
         * compression (pglz) cost it 7.2-7.8 CPU s per million rows against 5.7 uncompressed (bench/run, 1M rows);
         * lz4, where the server has it (14 and later, built with it), writes fewer bytes and less WAL for less CPU
         * than it saves (docs/performance.md). Without lz4: out of line, uncompressed.
         */
        @Override
        public String storeChunks(Connection connection, String table, String column) throws SQLException {
            try (Statement statement = connection.createStatement();
                 ResultSet lz4 = statement.executeQuery(
                         "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")) {
                if (lz4.next() && lz4.getBoolean(1)) {
                    return "ALTER TABLE " + table + " ALTER COLUMN " + column + " SET STORAGE EXTENDED, ALTER COLUMN " + column
                            + " SET COMPRESSION lz4";
                }
            }
            return "ALTER TABLE " + table + " ALTER COLUMN " + column + " SET STORAGE EXTERNAL";
        }

        /**
         * A table whose rows are all deleted soon after they are inserted (the durable buffer) grows by every row until a
         * vacuum frees their space, and each look into it reads the dead rows: with autovacuum off (as on this project's
         * bench machine) a session of durable loads left it at 6 GB, where a 200,000-message durable load ran at 11,614
         * records/s, and at 18,449 right after a VACUUM. SKIP_LOCKED: a table another vacuum holds is left to it.
         */
        @Override
        public String vacuum(String... tables) {
            return "VACUUM (SKIP_LOCKED) " + String.join(", ", tables);
        }
    },
    MARIADB("jdbc:mariadb:", "LONGTEXT", "LONGBLOB") {
        @Override
        public String upsert(String table, List<Column> columns, List<Column> keys, Column version) {
            List<Column> updated = new ArrayList<>(updated(columns, keys));
            List<Column> assigned = updated.isEmpty() ? keys : updated; // a no-op assignment keeps the existing row
            if (version == null) {
                return insert(table, columns) + " ON DUPLICATE KEY UPDATE "
                        + assigned.stream().map(c -> c.quoted() + " = VALUES(" + c.quoted() + ")").collect(Collectors.joining(", "));
            }
            // assignments see the columns assigned before them: the version goes last, so each test reads the stored one
            updated.remove(version);
            updated.add(version);
            String newer = newer("VALUES(" + version.quoted() + ")", version.quoted());
            return insert(table, columns) + " ON DUPLICATE KEY UPDATE " + updated.stream()
                    .map(c -> c.quoted() + " = IF(" + newer + ", VALUES(" + c.quoted() + "), " + c.quoted() + ")").collect(Collectors.joining(", "));
        }

        @Override
        public String epochMillis() {
            return "CAST(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3)) * 1000 AS SIGNED)";
        }

        @Override
        void configure(HikariConfig config) {
            // the bulk protocol sends a whole executeBatch in one exchange
            config.addDataSourceProperty("useBulkStmts", "true");
        }
    };

    /** The alias PostgreSQL upserts give the target table, so the conflict clause can name its current row. */
    public static final String TARGET = "target_row";

    private final String urlPrefix;
    private final String textType;
    private final String binaryType;

    SqlDialect(String urlPrefix, String textType, String binaryType) {
        this.urlPrefix = urlPrefix;
        this.textType = textType;
        this.binaryType = binaryType;
    }

    public String insert(String table, List<Column> columns) {
        return "INSERT INTO " + table + " (" + names(columns) + ") VALUES (" + params(columns) + ")";
    }

    /**
     * Inserts a row, or replaces the row with its key. With a {@code version} column (else null), only a row
     * whose version is greater than the stored one's replaces it; a stored NULL is older than any version.
     */
    public abstract String upsert(String table, List<Column> columns, List<Column> keys, Column version);

    /** A column type for text of any length. */
    public String textType() {
        return textType;
    }

    /** A column type for bytes of any length. */
    public String binaryType() {
        return binaryType;
    }

    /** The statement that sets how the durable buffer's chunk column is stored, or null to leave the database's default. */
    public String storeChunks(Connection connection, String table, String column) throws SQLException {
        return null;
    }

    /**
     * The statement that frees the space of the tables' deleted rows now, run outside a transaction; null where the
     * database does that as it goes (MariaDB's purge, H2).
     */
    public String vacuum(String... tables) {
        return null;
    }

    /**
     * The database's clock in ms since the epoch, as an SQL expression: leases that instances on several machines
     * compare are measured on this one clock, so the machines' clocks need not agree.
     */
    public String epochMillis() {
        return "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)";
    }

    /** Text columns cannot hold the NUL character: a record carrying one is refused, not its batch. */
    public boolean rejectsNul() {
        return false;
    }

    /** The database can load a batch with COPY. */
    public boolean hasCopy() {
        return false;
    }

    /** The URL with settings that keep committed rows safe; the same URL where the driver's defaults are safe. */
    String safeUrl(String url) {
        return url;
    }

    /** Driver options for this database. */
    void configure(HikariConfig config) {
    }

    /**
     * PostgreSQL's conflict clause: the incoming row's values replace the existing row's, unless they are all
     * equal already, in which case the row is left alone (no new row version, no index write). Needs the
     * target table aliased as {@link #TARGET}.
     */
    public static String onConflict(List<Column> columns, List<Column> keys, Column version) {
        List<Column> updated = updated(columns, keys);
        if (updated.isEmpty()) {
            return " ON CONFLICT (" + names(keys) + ") DO NOTHING";
        }
        return " ON CONFLICT (" + names(keys) + ") DO UPDATE SET "
                + updated.stream().map(c -> c.quoted() + " = EXCLUDED." + c.quoted()).collect(Collectors.joining(", "))
                + " WHERE (" + updated.stream().map(c -> TARGET + "." + c.quoted()).collect(Collectors.joining(", ")) + ")"
                + " IS DISTINCT FROM (" + updated.stream().map(c -> "EXCLUDED." + c.quoted()).collect(Collectors.joining(", ")) + ")"
                + (version == null ? "" : " AND " + newer("EXCLUDED." + version.quoted(), TARGET + "." + version.quoted()));
    }

    /** The incoming row's version is greater than the stored row's, or the stored one has none. */
    private static String newer(String incoming, String stored) {
        return "(" + stored + " IS NULL OR " + incoming + " > " + stored + ")";
    }

    private static List<Column> updated(List<Column> columns, List<Column> keys) {
        return columns.stream().filter(c -> !keys.contains(c)).toList();
    }

    /** The database a connection leads to. */
    public static SqlDialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        String p = product.toLowerCase(Locale.ROOT);
        if (p.contains("h2")) {
            return H2;
        }
        if (p.contains("postgres")) {
            return POSTGRESQL;
        }
        if (p.contains("mariadb") || p.contains("mysql")) {
            return MARIADB;
        }
        throw new IllegalArgumentException("database '" + product + "' is not supported: use H2, PostgreSQL or MariaDB");
    }

    /** The database a JDBC URL names, or null for one this class does not know. */
    static SqlDialect ofUrl(String url) {
        for (SqlDialect dialect : values()) {
            if (url.startsWith(dialect.urlPrefix)) {
                return dialect;
            }
        }
        return null;
    }

    private static String names(List<Column> columns) {
        return columns.stream().map(Column::quoted).collect(Collectors.joining(", "));
    }

    private static String params(List<Column> columns) {
        return columns.stream().map(c -> "?").collect(Collectors.joining(", "));
    }
}
