package io.batchpipeline.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

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

    public static void execute(String url, String user, String password, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** Drops the durable buffer's tables, so that no batch stored by an earlier test is recovered into this one. */
    public static void dropDurableBuffer(String url, String user, String password) throws SQLException {
        execute(url, user, password, "DROP TABLE IF EXISTS batch_pipeline_buffer", "DROP TABLE IF EXISTS batch_pipeline_sources");
    }
}
