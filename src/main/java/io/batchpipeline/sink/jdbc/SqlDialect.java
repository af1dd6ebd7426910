package io.batchpipeline.sink.jdbc;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The SQL that differs between the supported databases: how an upsert is spelled. */
public enum SqlDialect {

    H2 {
        @Override
        String upsert(String table, List<Column> columns, List<Column> keys) {
            return "MERGE INTO " + table + " (" + names(columns) + ") KEY (" + names(keys) + ") VALUES (" + params(columns) + ")";
        }
    },
    POSTGRESQL {
        @Override
        String upsert(String table, List<Column> columns, List<Column> keys) {
            return "INSERT INTO " + table + " AS " + TARGET + " (" + names(columns) + ") VALUES (" + params(columns) + ")"
                    + onConflict(columns, keys);
        }
    },
    MARIADB {
        @Override
        String upsert(String table, List<Column> columns, List<Column> keys) {
            List<Column> updated = columns.stream().filter(c -> !keys.contains(c)).toList();
            List<Column> assigned = updated.isEmpty() ? keys : updated; // a no-op assignment keeps the existing row
            return insert(table, columns) + " ON DUPLICATE KEY UPDATE "
                    + assigned.stream().map(c -> c.quoted() + " = VALUES(" + c.quoted() + ")").collect(Collectors.joining(", "));
        }
    };

    String insert(String table, List<Column> columns) {
        return "INSERT INTO " + table + " (" + names(columns) + ") VALUES (" + params(columns) + ")";
    }

    abstract String upsert(String table, List<Column> columns, List<Column> keys);

    /** The alias PostgreSQL upserts give the target table, so the conflict clause can name its current row. */
    static final String TARGET = "target_row";

    /**
     * PostgreSQL's conflict clause: the incoming row's values replace the existing row's, unless they are all
     * equal already, in which case the row is left alone (no new row version, no index write). Needs the
     * target table aliased as {@link #TARGET}.
     */
    static String onConflict(List<Column> columns, List<Column> keys) {
        List<Column> updated = columns.stream().filter(c -> !keys.contains(c)).toList();
        if (updated.isEmpty()) {
            return " ON CONFLICT (" + names(keys) + ") DO NOTHING";
        }
        return " ON CONFLICT (" + names(keys) + ") DO UPDATE SET "
                + updated.stream().map(c -> c.quoted() + " = EXCLUDED." + c.quoted()).collect(Collectors.joining(", "))
                + " WHERE (" + updated.stream().map(c -> TARGET + "." + c.quoted()).collect(Collectors.joining(", ")) + ")"
                + " IS DISTINCT FROM (" + updated.stream().map(c -> "EXCLUDED." + c.quoted()).collect(Collectors.joining(", ")) + ")";
    }

    /** Recognises the database from {@code DatabaseMetaData.getDatabaseProductName()}. */
    public static SqlDialect fromProductName(String product) {
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

    private static String names(List<Column> columns) {
        return columns.stream().map(Column::quoted).collect(Collectors.joining(", "));
    }

    private static String params(List<Column> columns) {
        return columns.stream().map(c -> "?").collect(Collectors.joining(", "));
    }
}
