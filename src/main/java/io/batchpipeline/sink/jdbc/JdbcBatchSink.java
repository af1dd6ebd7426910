package io.batchpipeline.sink.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.batchpipeline.batching.Batch;
import io.batchpipeline.batching.Row;
import io.batchpipeline.config.InvalidSettingException;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.source.SourceRecord;
import io.batchpipeline.transform.FieldMap;
import io.batchpipeline.transform.RejectedRecordException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each batch to a table in one transaction and one round trip: a prepared statement with
 * {@code executeBatch}, which the PostgreSQL driver rewrites into multi-row inserts. Hand-written rather
 * than camel-sql because values must be typed from the table's metadata before batching and the upsert
 * statement differs per database.
 */
public class JdbcBatchSink implements BatchSink {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBatchSink.class);
    private static final int UNMAPPED = -1;

    private DataSource dataSource;
    private String table;
    private String mode = "insert";
    private String keyColumns = "";
    private String columns = "";
    private String fieldMap = "";

    private TableSchema schema;
    private List<Column> targetColumns;
    private int[] keyIndexes;
    private String sql;
    private FieldMap fields;
    private final Map<String, Integer> fieldIndexes = new ConcurrentHashMap<>();
    private final Set<String> warnedFields = ConcurrentHashMap.newKeySet();

    /** Reads the table's metadata and checks the configuration against it. Call once before use. */
    public void init() {
        fields = parseFieldMap(fieldMap);
        try (Connection connection = dataSource.getConnection()) {
            schema = TableSchema.read(connection, table);
        } catch (SQLException e) {
            throw new InvalidSettingException("sink.jdbc.url", "cannot read table " + table + ": " + e.getMessage(), e);
        }
        targetColumns = schema.columns(columns, "sink.jdbc.columns");
        for (Map.Entry<String, String> rename : fields.renames().entrySet()) {
            Column column = schema.column(rename.getValue());
            if (column == null || !targetColumns.contains(column)) {
                throw new InvalidSettingException("transform.field-map", "field '" + rename.getKey() + "' maps to column '"
                        + rename.getValue() + "', which is not a written column of table " + table);
            }
        }
        boolean upsert = switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "insert" -> false;
            case "upsert" -> true;
            default -> throw new InvalidSettingException("sink.jdbc.mode", "unknown mode '" + mode + "': use insert or upsert");
        };
        if (upsert) {
            if (keyColumns == null || keyColumns.isBlank()) {
                throw new InvalidSettingException("sink.jdbc.key-columns", "is empty: upsert mode needs the key columns");
            }
            List<Column> keys = schema.columns(keyColumns, "sink.jdbc.key-columns");
            schema.requireUniqueKey(keys, "sink.jdbc.key-columns");
            for (Column key : keys) {
                if (!targetColumns.contains(key)) {
                    throw new InvalidSettingException("sink.jdbc.key-columns", "key column " + key.name() + " is not in sink.jdbc.columns");
                }
            }
            keyIndexes = keys.stream().mapToInt(targetColumns::indexOf).toArray();
            sql = schema.dialect().upsert(schema.qualifiedName(), targetColumns, keys);
        } else {
            keyIndexes = new int[0];
            sql = schema.dialect().insert(schema.qualifiedName(), targetColumns);
        }
        LOG.info("JDBC sink ready: {} ({} mode, columns {})", schema.displayName(), upsert ? "upsert" : "insert",
                targetColumns.stream().map(Column::name).toList());
    }

    private static FieldMap parseFieldMap(String spec) {
        try {
            return FieldMap.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("transform.field-map", e.getMessage());
        }
    }

    @Override
    public Row convert(SourceRecord record) throws RejectedRecordException {
        if (record.isMalformed()) {
            throw new RejectedRecordException(record, record.parseError());
        }
        Object[] values = new Object[targetColumns.size()];
        boolean[] present = new boolean[values.length];
        try {
            for (Map.Entry<String, Object> field : record.fields().entrySet()) {
                int index = fieldIndexes.computeIfAbsent(field.getKey(), this::indexOfField);
                if (index != UNMAPPED) {
                    values[index] = ColumnValues.convert(targetColumns.get(index), field.getValue());
                    present[index] = true;
                }
            }
            for (int i = 0; i < values.length; i++) {
                if (!present[i]) {
                    values[i] = ColumnValues.convert(targetColumns.get(i), null);
                }
            }
            for (int key : keyIndexes) {
                if (values[key] == null) {
                    throw new IllegalArgumentException("key column " + targetColumns.get(key).name() + " has no value");
                }
            }
        } catch (IllegalArgumentException e) {
            throw new RejectedRecordException(record, e.getMessage());
        }
        return new Row(values, withoutFields(record));
    }

    /** The fields are no longer needed once converted; keep only what a dead-letter entry shows. */
    private static SourceRecord withoutFields(SourceRecord record) {
        return new SourceRecord(record.source(), record.line(), Map.of(), record.raw(), null);
    }

    private int indexOfField(String field) {
        Column column = schema.column(fields.columnFor(field));
        int index = column == null ? UNMAPPED : targetColumns.indexOf(column);
        if (index == UNMAPPED && warnedFields.add(field)) {
            LOG.warn("Source field '{}' matches no written column of table {} and is ignored (map it with transform.field-map)",
                    field, schema.displayName());
        }
        return index;
    }

    @Override
    public void write(Batch batch) throws SQLException {
        Collection<Row> rows = keyIndexes.length > 0 ? lastPerKey(batch.rows()) : batch.rows();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (Row row : rows) {
                    bind(statement, (Object[]) row.data());
                    statement.addBatch();
                }
                statement.executeBatch();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * An upsert batch may carry the same key twice; PostgreSQL refuses to touch a row twice in one statement.
     * Keeping the last occurrence gives the same table as applying the records one by one.
     */
    private Collection<Row> lastPerKey(List<Row> rows) {
        Map<List<Object>, Row> byKey = new LinkedHashMap<>(rows.size() * 2);
        for (Row row : rows) {
            Object[] values = (Object[]) row.data();
            Object[] key = new Object[keyIndexes.length];
            for (int i = 0; i < key.length; i++) {
                key[i] = values[keyIndexes[i]];
            }
            byKey.put(Arrays.asList(key), row);
        }
        return byKey.size() == rows.size() ? rows : new ArrayList<>(byKey.values());
    }

    private void bind(PreparedStatement statement, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Column column = targetColumns.get(i);
            if (values[i] == null) {
                statement.setNull(i + 1, column.jdbcType());
            } else if (column.jdbcType() == Types.OTHER) {
                statement.setObject(i + 1, values[i], Types.OTHER); // uuid, json and other server-side types
            } else {
                statement.setObject(i + 1, values[i]);
            }
        }
    }

    @Override
    public String describe() {
        return "table " + table;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    public void setKeyColumns(String keyColumns) {
        this.keyColumns = keyColumns;
    }

    public void setColumns(String columns) {
        this.columns = columns;
    }

    public void setFieldMap(String fieldMap) {
        this.fieldMap = fieldMap;
    }
}
