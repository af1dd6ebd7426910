package io.batchpipeline.sink.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

import io.batchpipeline.jdbc.Column;
import io.batchpipeline.jdbc.SqlDialect;
import io.batchpipeline.record.Row;

/**
 * PostgreSQL's fastest load path: the batch is streamed with {@code COPY ... FROM STDIN} (text format).
 * Upsert copies into a temporary staging table (one per session and column set, emptied at commit), then
 * merges it with one {@code INSERT ... SELECT ... ON CONFLICT}. The caller's transaction covers both steps.
 */
final class PostgresCopyWriter implements BatchWriter {

    private final TableSchema schema;
    private final List<Column> keys;
    private final Column version;

    PostgresCopyWriter(TableSchema schema, List<Column> keys, Column version) {
        this.schema = schema;
        this.keys = keys;
        this.version = version;
    }

    @Override
    public void write(Connection connection, List<Column> columns, int[] indexes, List<Row<Object[]>> rows) throws SQLException {
        String names = columns.stream().map(Column::quoted).collect(Collectors.joining(", "));
        CopyText data = CopyText.encode(rows, indexes);
        if (keys.isEmpty()) {
            copy(connection, "COPY " + schema.qualifiedName() + " (" + names + ") FROM STDIN", data);
            return;
        }
        // the name is derived from a hash, never from configuration text
        String stage = "batch_pipeline_stage_" + Integer.toHexString((schema.qualifiedName() + "|" + names).hashCode());
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TEMP TABLE IF NOT EXISTS " + stage + " ON COMMIT DELETE ROWS AS SELECT " + names
                    + " FROM " + schema.qualifiedName() + " WITH NO DATA");
            copy(connection, "COPY " + stage + " (" + names + ") FROM STDIN", data);
            statement.executeUpdate("INSERT INTO " + schema.qualifiedName() + " AS " + SqlDialect.TARGET + " (" + names + ") SELECT "
                    + names + " FROM " + stage + SqlDialect.onConflict(columns, keys, version));
        }
    }

    private static void copy(Connection connection, String sql, CopyText data) throws SQLException {
        CopyPayload.copyIn(connection, sql, data.bytes(), data.length());
    }
}
