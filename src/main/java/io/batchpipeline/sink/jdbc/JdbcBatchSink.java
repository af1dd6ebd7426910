package io.batchpipeline.sink.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import io.batchpipeline.common.InvalidPropertyException;
import io.batchpipeline.jdbc.Column;
import io.batchpipeline.jdbc.Transactions;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.RejectedRecordException;
import io.batchpipeline.record.Row;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.sink.FieldMap;
import io.batchpipeline.sink.PassThrough;
import io.batchpipeline.sink.SameTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each batch to a table in one transaction: PostgreSQL COPY where available, otherwise a prepared
 * statement with {@code executeBatch}. {@link #init()} checks the properties against the table's metadata;
 * records become rows through {@link TableRows}. Hand-written rather than camel-sql because of that typing,
 * COPY, and an upsert that differs per database.
 *
 * <p>Columns written: {@code columns} when set; otherwise the columns the batch's records carry, so columns
 * that the database fills by default are left to it. Errors name this class's own properties.
 */
public class JdbcBatchSink implements BatchSink<Object[]>, PassThrough {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBatchSink.class);

    private DataSource dataSource;
    private String table;
    private boolean upsert;
    private String keyColumns = "";
    private String versionColumn = "";
    private String columns = "";
    private String fieldMap = "";
    private boolean copy = true;
    private boolean passThrough = true;

    private TableRows rows;
    private BatchWriter writer;
    private PostgresPassThrough csvToCopy;
    private String description;

    /** Reads the table's metadata and checks the properties against it. Call once before use. */
    public void init() {
        FieldMap fields = FieldMap.parse("fieldMap", fieldMap);
        TableSchema schema;
        try (Connection connection = dataSource.getConnection()) {
            schema = TableSchema.read(connection, table);
        } catch (SQLException e) {
            throw new InvalidPropertyException("table", "cannot read table " + table + ": " + e.getMessage(), e);
        }
        boolean explicitColumns = columns != null && !columns.isBlank();
        List<Column> targetColumns = schema.columns(columns, "columns");
        for (Map.Entry<String, String> rename : fields.renames().entrySet()) {
            Column column = schema.column(rename.getValue());
            if (column == null || !targetColumns.contains(column)) {
                throw new InvalidPropertyException("fieldMap", "field '" + rename.getKey() + "' maps to column '"
                        + rename.getValue() + "', which is not a written column of table " + table);
            }
        }
        List<Column> keys = upsert ? upsertKeys(schema, targetColumns) : List.of();
        Column version = versionColumn(schema, targetColumns, keys);
        rows = new TableRows(schema, targetColumns, explicitColumns, keys, version, fields);
        writer = schema.dialect().hasCopy() && copy ? new PostgresCopyWriter(schema, keys, version) : new StatementBatchWriter(schema, keys, version);
        if (writer instanceof PostgresCopyWriter && passThrough) {
            csvToCopy = new PostgresPassThrough(dataSource, new CsvCopyPlan.Target(schema, targetColumns, explicitColumns, keys, version, fields));
        }
        description = "table " + schema.displayName();
        LOG.info("JDBC sink ready: {} ({} mode{} by {}{}, columns {})", schema.displayName(), upsert ? "upsert" : "insert",
                version == null ? "" : ", newest " + version.name() + " wins",
                writer instanceof PostgresCopyWriter ? "COPY" : "executeBatch", csvToCopy != null ? ", CSV passed through" : "",
                targetColumns.stream().map(Column::name).toList());
    }

    private List<Column> upsertKeys(TableSchema schema, List<Column> targetColumns) {
        if (keyColumns == null || keyColumns.isBlank()) {
            throw new InvalidPropertyException("keyColumns", "is empty: upsert mode needs the key columns");
        }
        List<Column> keys = schema.columns(keyColumns, "keyColumns");
        schema.requireUniqueKey(keys, "keyColumns");
        for (Column key : keys) {
            if (!targetColumns.contains(key)) {
                throw new InvalidPropertyException("keyColumns", "key column " + key.name() + " is not one of the columns written");
            }
        }
        return keys;
    }

    /** The column whose greater value wins an upsert, or null. */
    private Column versionColumn(TableSchema schema, List<Column> targetColumns, List<Column> keys) {
        if (versionColumn == null || versionColumn.isBlank()) {
            return null;
        }
        if (!upsert) {
            throw new InvalidPropertyException("versionColumn", "is set, but only upsert mode compares versions: set mode to upsert or clear it");
        }
        List<Column> named = schema.columns(versionColumn, "versionColumn");
        Column version = named.get(0);
        if (named.size() != 1 || keys.contains(version) || !targetColumns.contains(version)) {
            throw new InvalidPropertyException("versionColumn", "must name one written column that is not a key column, not '" + versionColumn + "'");
        }
        return version;
    }

    @Override
    public Row<Object[]> convert(SourceRecord record, ParsedRecord fields) throws RejectedRecordException {
        return rows.convert(record, fields);
    }

    @Override
    public void write(List<Row<Object[]>> batch) throws SQLException {
        write(batch, null);
    }

    @Override
    public void write(List<Row<Object[]>> batch, SameTransaction alongside) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        List<Row<Object[]>> distinct = rows.newestPerKey(batch);
        int[] indexes = rows.carriedColumns(distinct);
        List<Column> written = rows.columnsAt(indexes);
        boolean together = alongside != null && alongside.dataSource() == dataSource;
        boolean wrote = Transactions.inTransaction(dataSource, connection -> {
            if (together && !alongside.run(connection)) {
                return false; // its batch is gone from the buffer: an earlier attempt wrote it
            }
            writer.write(connection, written, indexes, distinct);
            return true;
        });
        if (!wrote) {
            LOG.info("A batch of {} rows was already written by an earlier attempt; not writing it again", batch.size());
        } else if (together) {
            alongside.committed();
        }
    }

    /** PostgreSQL with COPY and pass-through on: CSV records go to COPY unparsed where they can; otherwise none. */
    @Override
    public List<SourceRecord> writeAsIs(List<SourceRecord> records, SameTransaction alongside) throws SQLException {
        return csvToCopy == null ? records : csvToCopy.write(records, alongside);
    }

    @Override
    public String describe() {
        return description != null ? description : "table " + table;
    }

    @Override
    public void probe() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isValid(5)) {
                throw new SQLTransientConnectionException("the connection is not valid", "08000");
            }
        }
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

    /** {@code insert}, or {@code upsert} on {@code keyColumns}. */
    public void setMode(String mode) {
        upsert = switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "insert" -> false;
            case "upsert" -> true;
            default -> throw new InvalidPropertyException("mode", "unknown mode '" + mode + "': use insert or upsert");
        };
    }

    public void setKeyColumns(String keyColumns) {
        this.keyColumns = keyColumns;
    }

    /** Upsert: a row replaces the stored one only when this column's value is greater; empty: always. */
    public void setVersionColumn(String versionColumn) {
        this.versionColumn = versionColumn;
    }

    public void setColumns(String columns) {
        this.columns = columns;
    }

    /** {@code field:column,...} renames; other fields go to the column of the same name, case-insensitive. */
    public void setFieldMap(String fieldMap) {
        this.fieldMap = fieldMap;
    }

    /** Where the database has COPY (PostgreSQL), load with it rather than executeBatch. */
    public void setCopy(boolean copy) {
        this.copy = copy;
    }

    /** With COPY, hand CSV records to PostgreSQL unparsed, converting only what it refuses. */
    public void setPassThrough(boolean passThrough) {
        this.passThrough = passThrough;
    }
}
