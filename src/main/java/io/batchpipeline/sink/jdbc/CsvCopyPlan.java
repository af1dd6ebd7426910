package io.batchpipeline.sink.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.batchpipeline.jdbc.Column;
import io.batchpipeline.jdbc.SqlDialect;
import io.batchpipeline.record.CsvLayout;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.sink.FieldMap;

/**
 * How records of one CSV layout go into a PostgreSQL table as their text is: {@code COPY (header's columns) FROM
 * STDIN (FORMAT csv)}, so PostgreSQL parses the fields, not the pipeline. The header's fields name the columns, in
 * their order. Where the converting path gives a different result, a plan adds what keeps them equal:
 * <ul>
 * <li>text columns are {@code FORCE_NOT_NULL}: an unquoted empty field is the empty string there, NULL elsewhere;
 * <li>{@code timestamp} and {@code time} columns are read as {@code timestamptz}/{@code timetz} into a staging
 * table and moved at UTC, because PostgreSQL drops an offset given to a zone-less type while the converter
 * converts it (the session's time zone is UTC, so a value without offset is UTC either way);
 * <li>upsert stages the rows, numbered, and keeps per key the row the converting path keeps (the last, or the
 * greatest version, first of equals), since PostgreSQL refuses to touch a row twice in one statement.
 * </ul>
 * A layout that cannot go this way (a field the table lacks, a configured column the header leaves out) has no
 * plan; {@link Outcome#reason} says why, and its records take the converting path.
 */
final class CsvCopyPlan {

    /** The staging table's first column when rows are numbered. */
    private static final String ROW = "batch_pipeline_row";

    private final CsvLayout layout;
    private final String copy;
    /** Creates the staging table, or null when COPY goes straight into the table. */
    private final String createStage;
    private final String emptyStage;
    private final String moveFromStage;
    /** Each line starts with its row number (upsert keeps the last row of a key). */
    private final boolean numbered;
    /** Per header field, what its text must look like to pass through, or null. */
    private final FieldCheck[] checks;
    private final CsvLayout.FieldVisitor checkField;
    /** Upsert without zone-less columns: COPY straight into the table, for rows whose keys are new to it and to the batch. */
    private final String copyDirectly;

    private CsvCopyPlan(CsvLayout layout, List<Column> columns, String copy, String createStage, String emptyStage, String moveFromStage,
            boolean numbered, String copyDirectly) {
        this.layout = layout;
        this.copyDirectly = copyDirectly;
        this.checks = columns.stream().map(FieldCheck::of).toArray(FieldCheck[]::new);
        this.checkField = (index, raw, start, end, quoted) -> checks[index] == null || checks[index].accepts(raw, start, end, quoted);
        this.copy = copy;
        this.createStage = createStage;
        this.emptyStage = emptyStage;
        this.moveFromStage = moveFromStage;
        this.numbered = numbered;
    }

    /** What a plan is made from: the sink's table and settings. */
    record Target(TableSchema schema, List<Column> columns, boolean explicitColumns, List<Column> keys, Column version, FieldMap fields) {
    }

    /** A plan, or why there is none. */
    record Outcome(CsvCopyPlan plan, String reason) {
    }

    static Outcome of(CsvLayout layout, Target target) {
        if (layout.delimiter() > 0x7f || layout.delimiter() == '\r' || layout.delimiter() == '\n' || layout.quote() != '"') {
            return new Outcome(null, "COPY takes only an ASCII delimiter and the quote \"");
        }
        List<Column> columns = new ArrayList<>();
        for (String name : layout.names()) {
            Column column = target.schema().column(target.fields().columnFor(name));
            if (column == null || !target.columns().contains(column)) {
                return new Outcome(null, "field '" + name + "' matches no written column, and COPY cannot skip a field");
            }
            if (columns.contains(column)) {
                return new Outcome(null, "two fields go to column " + column.name());
            }
            columns.add(column);
        }
        for (Column column : target.columns()) {
            if (!columns.contains(column) && target.explicitColumns() && column.hasDefault()) {
                return new Outcome(null, "configured column " + column.name() + " is not in the header: the record writes NULL there, COPY its default");
            }
        }
        for (Column key : target.keys()) {
            if (!columns.contains(key) || key.nullable()) {
                return new Outcome(null, "key column " + key.name() + " is not in the header or may be NULL");
            }
        }
        if (target.version() != null && !columns.contains(target.version())) {
            return new Outcome(null, "version column " + target.version().name() + " is not in the header");
        }
        return new Outcome(build(layout, target, columns), null);
    }

    private static CsvCopyPlan build(CsvLayout layout, Target target, List<Column> columns) {
        String table = target.schema().qualifiedName();
        String names = names(columns);
        String options = " FROM STDIN (FORMAT csv, DELIMITER " + literal(layout.delimiter()) + forceNotNull(columns) + ")";
        boolean numbered = !target.keys().isEmpty();
        boolean zoned = columns.stream().anyMatch(c -> zoneless(c) != null);
        String direct = "COPY " + table + " (" + names + ")" + options;
        if (!numbered && !zoned) {
            return new CsvCopyPlan(layout, columns, direct, null, null, null, false, null);
        }
        // the name is derived from a hash, never from configuration text
        String stage = "batch_pipeline_pass_" + Integer.toHexString((table + "|" + names + "|" + numbered).hashCode());
        String stageColumns = (numbered ? ROW + ", " : "") + names;
        String create = "CREATE TEMP TABLE IF NOT EXISTS " + stage + " ON COMMIT DELETE ROWS AS SELECT "
                + (numbered ? "0::bigint AS " + ROW + ", " : "")
                + columns.stream().map(c -> zoneless(c) == null ? c.quoted() : "CAST(" + c.quoted() + " AS " + zoneless(c) + "tz) AS " + c.quoted())
                        .collect(Collectors.joining(", "))
                + " FROM " + table + " WITH NO DATA";
        String values = columns.stream().map(CsvCopyPlan::fromStage).collect(Collectors.joining(", "));
        String move = "INSERT INTO " + table + " AS " + SqlDialect.TARGET + " (" + names + ") SELECT "
                + (numbered ? "DISTINCT ON (" + names(target.keys()) + ") " : "") + values + " FROM " + stage
                + (numbered ? " ORDER BY " + names(target.keys()) + ", " + (target.version() == null ? ROW + " DESC"
                        : target.version().quoted() + " DESC NULLS LAST, " + ROW) : "")
                + (numbered ? SqlDialect.onConflict(columns, target.keys(), target.version()) : "");
        return new CsvCopyPlan(layout, columns, "COPY " + stage + " (" + stageColumns + ")" + options, create, "DELETE FROM " + stage, move, numbered,
                numbered && !zoned ? direct : null);
    }

    /** "timestamp" or "time" for a PostgreSQL column without time zone, else null. */
    private static String zoneless(Column column) {
        String type = column.typeName().toLowerCase(Locale.ROOT);
        return type.equals("timestamp") || type.equals("time") ? type : null;
    }

    private static String fromStage(Column column) {
        String type = zoneless(column);
        if (type == null) {
            return column.quoted();
        }
        return "(" + column.quoted() + " AT TIME ZONE 'UTC')::" + type;
    }

    private static String forceNotNull(List<Column> columns) {
        List<Column> text = columns.stream().filter(c -> ColumnValues.isText(c.jdbcType())).toList();
        return text.isEmpty() ? "" : ", FORCE_NOT_NULL (" + names(text) + ")";
    }

    private static String literal(char c) {
        return c == '\'' ? "''''" : "'" + c + "'";
    }

    private static String names(List<Column> columns) {
        return columns.stream().map(Column::quoted).collect(Collectors.joining(", "));
    }

    CsvLayout layout() {
        return layout;
    }

    /**
     * Whether a record may pass through: COPY reads its fields as every CSV reader does, and each value looks like
     * one both PostgreSQL and the converter accept ({@link FieldCheck}). Others take the converting path.
     */
    boolean passes(byte[] utf8) {
        return layout.readsAlike(utf8, checkField);
    }

    /**
     * Whether {@link #load} may COPY an upsert's rows straight into the table. That is a plain insert, far cheaper
     * for PostgreSQL than staging the rows and moving them with INSERT ... ON CONFLICT, and gives the same rows when
     * no key is in the table or twice in the batch; when one is, PostgreSQL refuses with a unique violation.
     */
    boolean copiesDirectly() {
        return copyDirectly != null;
    }

    /**
     * Loads records in the caller's transaction, straight into the table when {@code directly} and the plan
     * {@link #copiesDirectly}. A staging table used earlier in the same transaction is emptied first; {@code dirty}
     * remembers which were.
     */
    void load(Connection connection, List<SourceRecord> records, Set<String> dirty, boolean directly) throws SQLException {
        if (createStage == null || directly && copyDirectly != null) {
            CopyPayload.of(records, false, layout.delimiter()).copyIn(connection, createStage == null ? copy : copyDirectly);
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(createStage);
            if (!dirty.add(emptyStage)) {
                statement.execute(emptyStage);
            }
            CopyPayload.of(records, numbered, layout.delimiter()).copyIn(connection, copy);
            statement.executeUpdate(moveFromStage);
        }
    }
}
