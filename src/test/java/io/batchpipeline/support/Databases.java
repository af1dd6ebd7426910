package io.batchpipeline.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Small JDBC helpers for assertions. */
public final class Databases {

    private Databases() {
    }

    public static long count(String url, String user, String password, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first column of every row, as text. */
    public static List<String> strings(String url, String user, String password, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    public static void execute(String url, String user, String password, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** Drops the durable buffer's tables, so that no batch stored by an earlier test is recovered into this one. */
    public static void dropDurableBuffer(String url, String user, String password) throws SQLException {
        execute(url, user, password, "DROP TABLE IF EXISTS batch_pipeline_buffer", "DROP TABLE IF EXISTS batch_pipeline_sources",
                "DROP TABLE IF EXISTS batch_pipeline_owners");
    }

    /**
     * Drops and creates a table in the shape of {@link SampleData}'s orders in the test PostgreSQL. Without a key
     * on id, a record written twice shows as a second row.
     */
    public static void recreateOrdersTable(String table, boolean keyed) throws SQLException {
        execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS " + table,
                "CREATE TABLE " + table + " (id BIGINT " + (keyed ? "PRIMARY KEY" : "NOT NULL") + ", customer VARCHAR(200) NOT NULL,"
                        + " amount NUMERIC(12,2), quantity INTEGER, ordered_at TIMESTAMPTZ, note VARCHAR(2000), paid BOOLEAN)");
    }
}
