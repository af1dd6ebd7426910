package io.batchpipeline.sink.jdbc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.batchpipeline.jdbc.Column;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.RejectedRecordException;
import io.batchpipeline.record.Row;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.sink.FieldMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records as rows of one table: each field goes to the column of its (mapped) name and is typed from the table's
 * metadata, so a bad value rejects its record, not the batch. A row holds one value per target column, or
 * {@link #ABSENT} where the record does not carry that column.
 */
final class TableRows {

    private static final Logger LOG = LoggerFactory.getLogger(TableRows.class);
    private static final int UNMAPPED = -1;
    /** A column the record does not carry; a row holding it in a written column gets NULL. */
    static final Object ABSENT = new Object();

    private final TableSchema schema;
    private final List<Column> targetColumns;
    private final boolean explicitColumns;
    private final int[] keyIndexes;
    private final int versionIndex;
    private final FieldMap fields;
    private final boolean rejectNul;
    private final Map<String, Integer> fieldIndexes = new ConcurrentHashMap<>();
    private final ThreadLocal<FieldMapping> lastMapping = new ThreadLocal<>();
    private final Set<String> warnedFields = ConcurrentHashMap.newKeySet();

    /**
     * @param explicitColumns the target columns were configured: a record lacking one writes NULL there, not the default
     */
    TableRows(TableSchema schema, List<Column> targetColumns, boolean explicitColumns, List<Column> keys, Column version, FieldMap fields) {
        this.schema = schema;
        this.targetColumns = targetColumns;
        this.explicitColumns = explicitColumns;
        this.keyIndexes = keys.stream().mapToInt(targetColumns::indexOf).toArray();
        this.versionIndex = version == null ? -1 : targetColumns.indexOf(version);
        this.fields = fields;
        this.rejectNul = schema.dialect().rejectsNul();
    }

    Row<Object[]> convert(SourceRecord record, ParsedRecord parsed) throws RejectedRecordException {
        Object[] values = new Object[targetColumns.size()];
        Arrays.fill(values, ABSENT);
        int[] columnOf = columnIndexes(parsed.names());
        Object[] input = parsed.values();
        try {
            for (int f = 0; f < input.length; f++) {
                int index = columnOf[f];
                if (index != UNMAPPED) {
                    Column column = targetColumns.get(index);
                    Object value = ColumnValues.convert(column, input[f]);
                    if (rejectNul && value instanceof String text && text.indexOf('\u0000') >= 0) {
                        throw new IllegalArgumentException("column " + column.name() + ": " + schema.dialect() + " text cannot contain the NUL character");
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
        } catch (RuntimeException e) { // nothing one value does may stall its batch
            throw new RejectedRecordException(record, "cannot convert: " + e);
        }
        return new Row<>(values, record);
    }

    /**
     * For each field position, the target column index. Each writer thread remembers the last mapping and reuses it
     * while the names are the same: the same list for the records of one CSV file, equal lists of the same (interned)
     * strings for JSON records, which a lookup per field and record cost a twentieth of a writer's time.
     */
    private int[] columnIndexes(List<String> names) {
        FieldMapping last = lastMapping.get();
        if (last != null && (last.names == names || last.names.equals(names))) {
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
            LOG.warn("Source field '{}' matches no written column of table {} and is ignored (map it with a field map)",
                    field, schema.displayName());
        }
        return index;
    }

    /**
     * Where each column some row carries sits in a row (a column no row carries is left to its default), in table
     * order. The version column is always written, since the upsert compares it.
     */
    int[] carriedColumns(List<Row<Object[]>> rows) {
        boolean[] carried = new boolean[targetColumns.size()];
        int count = 0;
        if (versionIndex >= 0) {
            carried[versionIndex] = true;
            count++;
        }
        for (Row<Object[]> row : rows) {
            Object[] values = row.data();
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

    List<Column> columnsAt(int[] indexes) {
        return Arrays.stream(indexes).mapToObj(targetColumns::get).toList();
    }

    /**
     * An upsert batch may carry the same key twice; PostgreSQL refuses to touch a row twice in one statement.
     * Keeping the last occurrence gives the same table as applying the records one by one; with a version column,
     * the occurrence with the greatest version (the first of equals), as the upsert itself decides between batches.
     */
    List<Row<Object[]>> newestPerKey(List<Row<Object[]>> rows) {
        if (keyIndexes.length == 0) {
            return rows;
        }
        Map<List<Object>, Row<Object[]>> byKey = new LinkedHashMap<>(rows.size() * 2);
        for (Row<Object[]> row : rows) {
            Object[] key = new Object[keyIndexes.length];
            for (int i = 0; i < key.length; i++) {
                key[i] = row.data()[keyIndexes[i]];
            }
            byKey.merge(Arrays.asList(key), row, (kept, next) -> newer(next, kept) ? next : kept);
        }
        return byKey.size() == rows.size() ? rows : new ArrayList<>(byKey.values());
    }

    @SuppressWarnings({"unchecked", "rawtypes"}) // values of one column share a type
    private boolean newer(Row<Object[]> next, Row<Object[]> kept) {
        if (versionIndex < 0) {
            return true;
        }
        Object version = next.data()[versionIndex];
        Object keptVersion = kept.data()[versionIndex];
        if (version == null || version == ABSENT) {
            return false;
        }
        return keptVersion == null || keptVersion == ABSENT || ((Comparable) version).compareTo(keptVersion) > 0;
    }
}
