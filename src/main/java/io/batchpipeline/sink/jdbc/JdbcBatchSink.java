package io.batchpipeline.sink.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.batchpipeline.batching.Row;
import io.batchpipeline.config.InvalidSettingException;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.sink.SameTransaction;
import io.batchpipeline.source.ParsedRecord;
import io.batchpipeline.source.SourceRecord;
import io.batchpipeline.transform.FieldMap;
import io.batchpipeline.transform.RejectedRecordException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each batch to a table in one transaction: PostgreSQL COPY where available, otherwise a prepared
 * statement with {@code executeBatch}. Values are typed from the table's metadata as each record is
 * converted, so a bad value rejects its record, not the batch. Hand-written rather than camel-sql because
 * of that typing, COPY, and an upsert that differs per database.
 *
 * <p>Columns written: {@code sink.jdbc.columns} when set; otherwise the columns the batch's records carry,
 * so columns that the database fills by default are left to it.
 */
public class JdbcBatchSink implements BatchSink {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBatchSink.class);
    private static final int UNMAPPED = -1;
    /** A column the record does not carry; a row holding it in a written column gets NULL. */
    static final Object ABSENT = new Object();

    private DataSource dataSource;
    private String table;
    private String mode = "insert";
    private String keyColumns = "";
    private String columns = "";
    private String fieldMap = "";
    private boolean copy = true;

    private TableSchema schema;
    private List<Column> targetColumns;
    private boolean explicitColumns;
    private int[] keyIndexes;
    private FieldMap fields;
    private BatchWriter writer;
    private boolean rejectNul;
    private final Map<String, Integer> fieldIndexes = new ConcurrentHashMap<>();
    private final ThreadLocal<FieldMapping> lastMapping = new ThreadLocal<>();
    private final Set<String> warnedFields = ConcurrentHashMap.newKeySet();

    /** Reads the table's metadata and checks the configuration against it. Call once before use. */
    public void init() {
        fields = parseFieldMap(fieldMap);
        try (Connection connection = dataSource.getConnection()) {
            schema = TableSchema.read(connection, table);
        } catch (SQLException e) {
            throw new InvalidSettingException("sink.jdbc.url", "cannot read table " + table + ": " + e.getMessage(), e);
        }
        explicitColumns = columns != null && !columns.isBlank();
        targetColumns = schema.columns(columns, "sink.jdbc.columns");
        for (Map.Entry<String, String> rename : fields.renames().entrySet()) {
            Column column = schema.column(rename.getValue());
            if (column == null || !targetColumns.contains(column)) {
                throw new InvalidSettingException("transform.field-map", "field '" + rename.getKey() + "' maps to column '"
                        + rename.getValue() + "', which is not a written column of table " + table);
            }
        }
        List<Column> keys = upsert() ? upsertKeys() : List.of();
        keyIndexes = keys.stream().mapToInt(targetColumns::indexOf).toArray();
        boolean postgres = schema.dialect() == SqlDialect.POSTGRESQL;
        rejectNul = postgres; // PostgreSQL text cannot hold U+0000; refuse the record, not the batch
        writer = postgres && copy ? new PostgresCopyWriter(schema, keys) : new StatementBatchWriter(schema, keys);
        LOG.info("JDBC sink ready: {} ({} mode by {}, columns {})", schema.displayName(), keys.isEmpty() ? "insert" : "upsert",
                writer instanceof PostgresCopyWriter ? "COPY" : "executeBatch", targetColumns.stream().map(Column::name).toList());
    }

    private boolean upsert() {
        return switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "insert" -> false;
            case "upsert" -> true;
            default -> throw new InvalidSettingException("sink.jdbc.mode", "unknown mode '" + mode + "': use insert or upsert");
        };
    }

    private List<Column> upsertKeys() {
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
        return keys;
    }

    private static FieldMap parseFieldMap(String spec) {
        try {
            return FieldMap.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("transform.field-map", e.getMessage());
        }
    }

    @Override
    public Row convert(SourceRecord record, ParsedRecord fields) throws RejectedRecordException {
        Object[] values = new Object[targetColumns.size()];
        Arrays.fill(values, ABSENT);
        int[] columnOf = columnIndexes(fields.names());
        Object[] input = fields.values();
        try {
            for (int f = 0; f < input.length; f++) {
                int index = columnOf[f];
                if (index != UNMAPPED) {
                    Column column = targetColumns.get(index);
                    Object value = ColumnValues.convert(column, input[f]);
                    if (rejectNul && value instanceof String text && text.indexOf('\u0000') >= 0) {
                        throw new IllegalArgumentException("column " + column.name() + ": PostgreSQL text cannot contain the NUL character");
                    }
                    values[index] = value;
                }
            }
            for (int i = 0; i < values.length; i++) {
                Column column = targetColumns.get(i);
                if (values[i] == ABSENT && (explicitColumns || !column.hasDefault())) {
                    values[i] = ColumnValues.convert(column, null); // refuses a missing NOT NULL value
                }
            }
            for (int key : keyIndexes) {
                if (values[key] == null || values[key] == ABSENT) {
                    throw new IllegalArgumentException("key column " + targetColumns.get(key).name() + " has no value");
                }
            }
        } catch (IllegalArgumentException e) {
            throw new RejectedRecordException(record, e.getMessage());
        }
        return new Row(values, record);
    }

    /**
     * For each field position, the target column index. Records of one CSV file share their names list, so
     * each writer thread remembers the last mapping and reuses it while the names are the same instance.
     */
    private int[] columnIndexes(List<String> names) {
        FieldMapping last = lastMapping.get();
        if (last != null && last.names == names) {
            return last.columns;
        }
        int[] columns = new int[names.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = fieldIndexes.computeIfAbsent(names.get(i), this::indexOfField);
        }
        lastMapping.set(new FieldMapping(names, columns));
        return columns;
    }

    private record FieldMapping(List<String> names, int[] columns) {
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
    public void write(List<Row> rows) throws SQLException {
        write(rows, null);
    }

    @Override
    public void write(List<Row> rows, SameTransaction alongside) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<Row> distinct = keyIndexes.length > 0 ? lastPerKey(rows) : rows;
        int[] indexes = writtenColumns(distinct);
        List<Column> written = Arrays.stream(indexes).mapToObj(targetColumns::get).toList();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (alongside != null && alongside.dataSource() == dataSource && !alongside.run(connection)) {
                    LOG.info("A batch of {} rows was already written by an earlier attempt; not writing it again", rows.size());
                    connection.rollback();
                    return;
                }
                writer.write(connection, written, indexes, distinct);
                connection.commit();
                if (alongside != null && alongside.dataSource() == dataSource) {
                    alongside.committed();
                }
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed); // a lost connection cannot roll back; the write's own error decides what next
                }
                throw e;
            }
        }
    }

    /** Columns some row carries (a column no row carries is left to its default), in table order. */
    private int[] writtenColumns(List<Row> rows) {
        boolean[] carried = new boolean[targetColumns.size()];
        int count = 0;
        for (Row row : rows) {
            Object[] values = (Object[]) row.data();
            for (int i = 0; i < values.length; i++) {
                if (!carried[i] && values[i] != ABSENT) {
                    carried[i] = true;
                    count++;
                }
            }
            if (count == carried.length) {
                break;
            }
        }
        int[] indexes = new int[count];
        for (int i = 0, j = 0; i < carried.length; i++) {
            if (carried[i]) {
                indexes[j++] = i;
            }
        }
        return indexes;
    }

    /**
     * An upsert batch may carry the same key twice; PostgreSQL refuses to touch a row twice in one statement.
     * Keeping the last occurrence gives the same table as applying the records one by one.
     */
    private List<Row> lastPerKey(List<Row> rows) {
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

    @Override
    public String describe() {
        return "table " + table;
    }

    public DataSource dataSource() {
        return dataSource;
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

    /** PostgreSQL only: load with COPY (default) rather than executeBatch. */
    public void setCopy(boolean copy) {
        this.copy = copy;
    }
}
