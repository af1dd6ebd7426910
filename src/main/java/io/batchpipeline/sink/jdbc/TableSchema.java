package io.batchpipeline.sink.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.batchpipeline.common.InvalidPropertyException;
import io.batchpipeline.jdbc.Column;
import io.batchpipeline.jdbc.DataSources;
import io.batchpipeline.jdbc.SqlDialect;

/**
 * The target table as the database's metadata describes it. Table and column names from configuration are
 * only ever matched against this metadata and then quoted with the database's own quote string, so
 * configuration cannot smuggle SQL into a statement.
 */
public final class TableSchema {

    private final String qualifiedName;
    private final String displayName;
    private final List<Column> columns;
    private final Map<String, Column> byLowerName;
    private final SqlDialect dialect;
    private final List<Set<String>> uniqueKeys;

    private TableSchema(String qualifiedName, String displayName, List<Column> columns, SqlDialect dialect, List<Set<String>> uniqueKeys) {
        this.qualifiedName = qualifiedName;
        this.displayName = displayName;
        this.columns = columns;
        this.dialect = dialect;
        this.uniqueKeys = uniqueKeys;
        this.byLowerName = new HashMap<>();
        columns.forEach(c -> byLowerName.put(c.name().toLowerCase(Locale.ROOT), c));
    }

    /** Reads the table's columns and unique keys. @throws InvalidPropertyException naming the property {@code table} */
    public static TableSchema read(Connection connection, String table) throws SQLException {
        if (table == null || table.isBlank()) {
            throw new InvalidPropertyException("table", "is empty: name the table to write to");
        }
        DatabaseMetaData meta = connection.getMetaData();
        SqlDialect dialect = SqlDialect.of(connection);
        String quote = meta.getIdentifierQuoteString().trim();
        String[] parts = table.trim().split("\\.");
        if (parts.length > 2) {
            throw new InvalidPropertyException("table", "'" + table + "' is not of the form table or schema.table");
        }
        String schemaHint = parts.length == 2 ? parts[0] : null;
        String nameHint = parts[parts.length - 1];

        TableRef ref = findTable(connection, meta, schemaHint, nameHint);
        if (ref == null) {
            throw new InvalidPropertyException("table", "table '" + table + "' does not exist in "
                    + DataSources.redact(meta.getURL()) + ": create it first, or give an init script that does");
        }
        List<Column> columns = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(ref.catalog, ref.schema, ref.name, null)) {
            while (rs.next()) {
                if ("YES".equalsIgnoreCase(rs.getString("IS_GENERATEDCOLUMN"))) {
                    continue; // the database computes it; it can never be written
                }
                String name = rs.getString("COLUMN_NAME");
                boolean identity = "YES".equalsIgnoreCase(rs.getString("IS_AUTOINCREMENT"));
                columns.add(new Column(name, quote(quote, name), rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME"),
                        rs.getInt("COLUMN_SIZE"), rs.getInt("DECIMAL_DIGITS"),
                        rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls,
                        identity || rs.getString("COLUMN_DEF") != null));
            }
        }
        String qualified = (ref.schema != null && schemaHint != null ? quote(quote, ref.schema) + "." : "") + quote(quote, ref.name);
        return new TableSchema(qualified, table, List.copyOf(columns), dialect, uniqueKeys(meta, ref));
    }

    private record TableRef(String catalog, String schema, String name) {
    }

    /** Finds the table by name, case-insensitively, preferring the connection's current schema. */
    private static TableRef findTable(Connection connection, DatabaseMetaData meta, String schemaHint, String nameHint) throws SQLException {
        String currentSchema = connection.getSchema();
        List<TableRef> matches = new ArrayList<>();
        try (ResultSet rs = meta.getTables(connection.getCatalog(), null, null, new String[] {"TABLE", "BASE TABLE", "PARTITIONED TABLE"})) {
            while (rs.next()) {
                String schema = rs.getString("TABLE_SCHEM");
                String name = rs.getString("TABLE_NAME");
                boolean schemaMatches = schemaHint == null ? currentSchema == null || currentSchema.equalsIgnoreCase(schema)
                        : schemaHint.equalsIgnoreCase(schema);
                if (schemaMatches && nameHint.equalsIgnoreCase(name)) {
                    matches.add(new TableRef(rs.getString("TABLE_CAT"), schema, name));
                }
            }
        }
        return matches.stream().filter(t -> t.name.equals(nameHint)).findFirst().orElse(matches.isEmpty() ? null : matches.get(0));
    }

    private static List<Set<String>> uniqueKeys(DatabaseMetaData meta, TableRef ref) throws SQLException {
        Map<String, Set<String>> keys = new LinkedHashMap<>();
        try (ResultSet rs = meta.getPrimaryKeys(ref.catalog, ref.schema, ref.name)) {
            while (rs.next()) {
                keys.computeIfAbsent("PRIMARY", k -> new LinkedHashSet<>()).add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        try (ResultSet rs = meta.getIndexInfo(ref.catalog, ref.schema, ref.name, true, false)) {
            while (rs.next()) {
                String index = rs.getString("INDEX_NAME");
                String column = rs.getString("COLUMN_NAME");
                if (index != null && column != null && !rs.getBoolean("NON_UNIQUE")) {
                    keys.computeIfAbsent("index:" + index, k -> new LinkedHashSet<>()).add(column.toLowerCase(Locale.ROOT));
                }
            }
        }
        return keys.values().stream().distinct().toList();
    }

    private static String quote(String quote, String identifier) {
        if (quote.isEmpty()) {
            return identifier;
        }
        return quote + identifier.replace(quote, quote + quote) + quote;
    }

    /** The columns named in {@code names} (comma-separated, case-insensitive), or every writable column when blank. */
    public List<Column> columns(String names, String property) {
        if (names == null || names.isBlank()) {
            return columns;
        }
        List<Column> selected = new ArrayList<>();
        for (String name : names.split(",")) {
            Column column = column(name.trim());
            if (column == null) {
                throw new InvalidPropertyException(property, "column '" + name.trim() + "' does not exist in table " + displayName
                        + " (columns: " + columns.stream().map(Column::name).toList() + ")");
            }
            if (!selected.contains(column)) {
                selected.add(column);
            }
        }
        return List.copyOf(selected);
    }

    /** Checks that {@code keys} are exactly the columns of a primary key or unique index, as an upsert needs. */
    public void requireUniqueKey(List<Column> keys, String property) {
        Set<String> wanted = new LinkedHashSet<>();
        keys.forEach(k -> wanted.add(k.name().toLowerCase(Locale.ROOT)));
        if (!uniqueKeys.contains(wanted)) {
            throw new InvalidPropertyException(property, "no primary key or unique index on exactly " + wanted + " in table "
                    + displayName + ": upsert needs one (unique keys found: " + uniqueKeys + ")");
        }
    }

    public Column column(String name) {
        return byLowerName.get(name.toLowerCase(Locale.ROOT));
    }

    public String qualifiedName() {
        return qualifiedName;
    }

    public String displayName() {
        return displayName;
    }

    public SqlDialect dialect() {
        return dialect;
    }
}
