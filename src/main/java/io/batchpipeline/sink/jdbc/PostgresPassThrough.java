package io.batchpipeline.sink.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.batchpipeline.jdbc.SqlStates;
import io.batchpipeline.jdbc.Transactions;
import io.batchpipeline.record.CsvLayout;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.sink.SameTransaction;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands CSV records to PostgreSQL's COPY as they were read ({@link CsvCopyPlan}), so the pipeline neither parses
 * nor converts them. What PostgreSQL refuses goes back to the converting path, record by record where it can tell:
 * COPY names the line it stopped at, so that record is set aside, the records before it are copied again, and the
 * copy goes on after it, each step under a savepoint. Records whose text CSV readers may read differently are set
 * aside before any COPY ({@link CsvLayout#readsAlike}).
 *
 * <p>Upsert passes a batch through only whole: if any record is set aside, the whole batch takes the converting
 * path, which keeps the batch's order per key.
 */
final class PostgresPassThrough {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresPassThrough.class);
    private static final Pattern COPY_LINE = Pattern.compile("COPY .*?, line (\\d+)");

    private final DataSource dataSource;
    private final CsvCopyPlan.Target target;
    private final boolean upsert;
    private final Map<CsvLayout, CsvCopyPlan.Outcome> plans = new ConcurrentHashMap<>();

    PostgresPassThrough(DataSource dataSource, CsvCopyPlan.Target target) {
        this.dataSource = dataSource;
        this.target = target;
        this.upsert = !target.keys().isEmpty();
    }

    /** Records of one plan, in batch order. */
    private record Run(CsvCopyPlan plan, List<SourceRecord> records) {
    }

    List<SourceRecord> write(List<SourceRecord> records, SameTransaction alongside) throws SQLException {
        List<SourceRecord> setAside = new ArrayList<>();
        List<Run> runs = runs(records, setAside);
        if (runs.isEmpty() || upsert && !setAside.isEmpty()) {
            return records;
        }
        boolean together = alongside != null && alongside.dataSource() == dataSource;
        return Transactions.inTransaction(dataSource, connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL TimeZone = 'UTC'"); // a value without offset is UTC, as the converter reads it
            }
            Set<String> dirty = CsvCopyPlan.noneDirty();
            for (Run run : runs) {
                copy(connection, run, dirty, setAside);
            }
            if (upsert && !setAside.isEmpty()) {
                connection.rollback();
                return records;
            }
            if (setAside.isEmpty() && together && !alongside.run(connection)) {
                connection.rollback();
                LOG.info("A batch of {} rows was already written by an earlier attempt; not writing it again", records.size());
                return List.of();
            }
            return setAside;
        });
    }

    /** Groups the records that can pass through into runs of one plan; sets the rest aside. */
    private List<Run> runs(List<SourceRecord> records, List<SourceRecord> setAside) {
        List<Run> runs = new ArrayList<>();
        Run current = null;
        for (SourceRecord record : records) {
            CsvCopyPlan plan = planFor(record.format().csvLayout());
            if (plan == null || !plan.layout().readsAlike(record.raw()) || endsCopy(record.raw())) {
                setAside.add(record);
                continue;
            }
            if (current == null || current.plan() != plan) {
                current = new Run(plan, new ArrayList<>());
                runs.add(current);
            }
            current.records().add(record);
        }
        return runs;
    }

    private CsvCopyPlan planFor(CsvLayout layout) {
        if (layout == null) {
            return null;
        }
        return plans.computeIfAbsent(layout, l -> {
            CsvCopyPlan.Outcome outcome = CsvCopyPlan.of(l, target);
            if (outcome.plan() != null) {
                LOG.info("Records with the header {} go to {} by COPY as they are, unparsed", l.names(), target.schema().displayName());
            } else {
                LOG.info("Records with the header {} are parsed and converted for {}: {}", l.names(), target.schema().displayName(), outcome.reason());
            }
            return outcome;
        }).plan();
    }

    /** {@code \.} at the start of a line ends COPY's data in some PostgreSQL versions; the converting path escapes it. */
    private static boolean endsCopy(String raw) {
        for (int i = raw.indexOf("\\."); i >= 0; i = raw.indexOf("\\.", i + 1)) {
            if (i == 0 || raw.charAt(i - 1) == '\n' || raw.charAt(i - 1) == '\r') {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies a run, setting aside each record PostgreSQL refuses. Past a few refusals, or when the error does not
     * name a line, the rest of the run is set aside: one COPY per bad record would cost more than converting.
     */
    private void copy(Connection connection, Run run, Set<String> dirty, List<SourceRecord> setAside) throws SQLException {
        CopyPayload payload = CopyPayload.of(run.records(), run.plan().numbered(), run.plan().layout().delimiter());
        int[] refusalsLeft = {Math.max(8, run.records().size() / 16)};
        copy(connection, run.plan(), payload, 0, run.records().size(), dirty, setAside, refusalsLeft);
    }

    /** Copies records [from, to) of the payload, setting aside those refused. */
    private void copy(Connection connection, CsvCopyPlan plan, CopyPayload payload, int from, int to, Set<String> dirty,
            List<SourceRecord> setAside, int[] refusalsLeft) throws SQLException {
        int start = from;
        while (start < to) {
            SQLException refused = load(connection, plan, payload, start, to, dirty);
            if (refused == null) {
                return;
            }
            int bad = payload.recordAtLine(start, to, line(refused));
            if (bad < 0 || refusalsLeft[0]-- == 0 || upsert) {
                LOG.debug("COPY refused {} records: {}", to - start, refused.getMessage());
                setAside.addAll(payload.records(start, to));
                return;
            }
            SourceRecord record = payload.records(bad, bad + 1).get(0);
            LOG.debug("COPY refused the record from {} line {}: {}", record.source(), record.line(), refused.getMessage());
            // the records before it were read, but a key is checked only when PostgreSQL flushes the rows it buffers,
            // so one of them may still be refused: they go the same way
            copy(connection, plan, payload, start, bad, dirty, setAside, refusalsLeft);
            setAside.add(record);
            start = bad + 1;
        }
    }

    /** Loads under a savepoint; returns the data error that undid it, or null once loaded. Other failures are thrown. */
    private static SQLException load(Connection connection, CsvCopyPlan plan, CopyPayload payload, int from, int to, Set<String> dirty)
            throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            plan.load(connection, payload, from, to, dirty);
            connection.releaseSavepoint(savepoint);
            return null;
        } catch (SQLException e) {
            if (!SqlStates.isDataError(e)) {
                throw e;
            }
            connection.rollback(savepoint);
            return e;
        }
    }

    /** The line COPY names in its error's context, or -1. */
    private static long line(SQLException error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                ServerErrorMessage message = psql.getServerErrorMessage();
                Matcher matcher = message.getWhere() == null ? null : COPY_LINE.matcher(message.getWhere());
                if (matcher != null && matcher.find()) {
                    return Long.parseLong(matcher.group(1));
                }
            }
        }
        return -1;
    }
}
