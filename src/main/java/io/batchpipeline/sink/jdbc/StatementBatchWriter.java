package io.batchpipeline.sink.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.batchpipeline.jdbc.Column;
import io.batchpipeline.record.Row;

/**
 * A prepared INSERT or upsert with {@code executeBatch}: one round trip per batch where the driver batches
 * (H2 in-process, MariaDB's bulk protocol, PostgreSQL with reWriteBatchedInserts). Every value is bound.
 */
final class StatementBatchWriter implements BatchWriter {

    private final TableSchema schema;
    private final List<Column> keys;
    private final Column version;
    private final Map<List<Column>, String> sql = new ConcurrentHashMap<>();

    StatementBatchWriter(TableSchema schema, List<Column> keys, Column version) {
        this.schema = schema;
        this.keys = keys;
        this.version = version;
    }

    @Override
    public void write(Connection connection, List<Column> columns, int[] indexes, List<Row<Object[]>> rows) throws SQLException {
        String statementSql = sql.computeIfAbsent(columns, cols -> keys.isEmpty()
                ? schema.dialect().insert(schema.qualifiedName(), cols)
                : schema.dialect().upsert(schema.qualifiedName(), cols, keys, version));
        try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
            for (Row<Object[]> row : rows) {
                Object[] values = row.data();
                for (int i = 0; i < indexes.length; i++) {
                    bind(statement, i + 1, columns.get(i), values[indexes[i]]);
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static void bind(PreparedStatement statement, int parameter, Column column, Object value) throws SQLException {
        if (value == null || value == TableRows.ABSENT) {
            statement.setNull(parameter, column.jdbcType());
        } else if (column.jdbcType() == Types.OTHER) {
            statement.setObject(parameter, value, Types.OTHER); // uuid, json and other server-side types
        } else {
            statement.setObject(parameter, value);
        }
    }
}
