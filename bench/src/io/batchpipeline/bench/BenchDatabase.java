package io.batchpipeline.bench;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** The PostgreSQL the benchmark loads: one given by a JDBC URL, or an embedded one it starts itself. */
final class BenchDatabase implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+).*");

    final String url;
    final String user;
    final String password;
    private final EmbeddedPostgres embedded;

    private BenchDatabase(String url, String user, String password, EmbeddedPostgres embedded) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
    }

    static BenchDatabase open(String url, String user, String password) throws IOException {
        if (url != null && !url.isBlank()) {
            return new BenchDatabase(url, user, password, null);
        }
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        return new BenchDatabase(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", postgres);
    }

    void recreateTable() throws SQLException {
        execute("DROP TABLE IF EXISTS bench_orders", BenchData.TABLE_DDL);
    }

    /**
     * Rows in the table, seconds between the first and the last row's clock_timestamp() at insert, and the last
     * row's as epoch milliseconds (the server is on this machine, so its clock is the benchmark's).
     */
    double[] countAndSpan() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), EXTRACT(EPOCH FROM MAX(loaded_at) - MIN(loaded_at)),"
                     + " EXTRACT(EPOCH FROM MAX(loaded_at)) * 1000 FROM bench_orders")) {
            rs.next();
            return new double[] {rs.getLong(1), rs.getDouble(2), rs.getDouble(3)};
        }
    }

    /** Rows/s from the row written after the first {@code skip} (by its clock_timestamp() column) to the last. */
    double rateAfter(long skip) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), EXTRACT(EPOCH FROM MAX(loaded_at) - (SELECT loaded_at FROM bench_orders"
                     + " ORDER BY loaded_at OFFSET " + skip + " LIMIT 1)) FROM bench_orders")) {
            rs.next();
            return (rs.getLong(1) - skip - 1) / rs.getDouble(2);
        }
    }

    /** CPU seconds the PostgreSQL server has used so far, read from /proc; NaN when it runs elsewhere or as another user. */
    double serverCpuSeconds() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            long postmaster = ProcessProbe.parent(rs.getLong(1));
            return postmaster <= 0 ? Double.NaN : ProcessProbe.treeCpuSeconds(postmaster);
        }
    }

    String version() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1) + (embedded != null ? " (embedded)" : " (" + url + ")");
        }
    }

    /** host, port, database, for psql. */
    String[] psqlTarget() {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot read host and database from " + url);
        }
        return new String[] {m.group(1), m.group(2) == null ? "5432" : m.group(2), m.group(3)};
    }

    private void execute(String... statements) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }
}
