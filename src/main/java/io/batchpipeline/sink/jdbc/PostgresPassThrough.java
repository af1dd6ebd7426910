package io.batchpipeline.sink.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.batchpipeline.jdbc.SqlStates;
import io.batchpipeline.jdbc.Transactions;
import io.batchpipeline.record.CsvLayout;
import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.sink.SameTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands CSV records to PostgreSQL's COPY as they were read ({@link CsvCopyPlan}), so the pipeline neither parses
 * nor converts them. Records whose text CSV readers may read differently, or with a value that does not look like
 * one both PostgreSQL and the converter accept ({@link CsvCopyPlan#passes}), are set aside before any COPY and take
 * the converting path. When PostgreSQL refuses the batch (a value it cannot
 * read, a constraint), the transaction rolls back and the whole batch takes the converting path, which sets the bad
 * records aside with the converter's or the database's reason.
 *
 * <p>A refused attempt costs its encoding and the rows PostgreSQL read before the bad one, which for a stream with
 * a bad record in most batches came to more than converting every batch (measured: docs/performance.md). So after a
 * refusal the next batch goes the converting way without trying, after another the next two, and so on up to
 * {@link #MAX_SKIPPED} batches; the first batch that passes again resets this.
 *
 * <p>An upsert first tries to COPY its batch straight into the table ({@link CsvCopyPlan#copiesDirectly}): loading
 * new keys, that is an insert's speed. A key the table or the batch already holds makes PostgreSQL refuse it, and the
 * batch is upserted through the staging table in a new transaction; the direct attempt is then skipped the same way.
 */
final class PostgresPassThrough {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresPassThrough.class);
    static final int MAX_SKIPPED = 64;

    private final DataSource dataSource;
    private final CsvCopyPlan.Target target;
    private final boolean upsert;
    private final Map<CsvLayout, CsvCopyPlan.Outcome> plans = new ConcurrentHashMap<>();
    /** Batches sent the converting way without trying, after a refusal. */
    private final SkipAfterFailures refusals = new SkipAfterFailures(MAX_SKIPPED);
    /** Upsert batches staged without trying to COPY them straight in, after a key was found taken. */
    private final SkipAfterFailures takenKeys = new SkipAfterFailures(MAX_SKIPPED);

    PostgresPassThrough(DataSource dataSource, CsvCopyPlan.Target target) {
        this.dataSource = dataSource;
        this.target = target;
        this.upsert = !target.keys().isEmpty();
    }

    /** Records of one plan, in batch order. */
    private record Run(CsvCopyPlan plan, List<SourceRecord> records) {
    }

    /** PostgreSQL refused the batch's data: the transaction is rolled back. */
    private static final class Refused extends RuntimeException {
        Refused(SQLException cause) {
            super(cause);
        }
    }

    /** A key of an upsert copied straight in was taken: the transaction is rolled back. */
    private static final class KeyTaken extends RuntimeException {
        KeyTaken(SQLException cause) {
            super(cause);
        }
    }

    List<SourceRecord> write(List<SourceRecord> records, SameTransaction alongside) throws SQLException {
        if (!refusals.attempt()) {
            return records;
        }
        List<SourceRecord> setAside = new ArrayList<>();
        List<Run> runs = runs(records, setAside);
        SameTransaction together = alongside != null && alongside.dataSource() == dataSource ? alongside : null;
        if (runs.isEmpty() || (upsert || together != null) && !setAside.isEmpty()) {
            // a batch passes only whole in upsert, so the converting path keeps its order per key, and with the
            // durable buffer, so the batch leaves the buffer in the transaction that writes all of it
            return records;
        }
        try {
            List<SourceRecord> left;
            boolean directly = upsert && runs.stream().anyMatch(run -> run.plan().copiesDirectly()) && takenKeys.attempt();
            try {
                left = Transactions.inTransaction(dataSource, connection -> copy(connection, runs, setAside, together, records.size(), directly));
                if (directly) {
                    takenKeys.succeeded();
                }
            } catch (KeyTaken taken) {
                int skip = takenKeys.failed();
                LOG.debug("A batch of {} records holds a key already taken, and is upserted through a staging table, as are the next {}: {}",
                        records.size(), skip, taken.getCause().getMessage());
                left = Transactions.inTransaction(dataSource, connection -> copy(connection, runs, setAside, together, records.size(), false));
            }
            refusals.succeeded();
            return left;
        } catch (Refused refused) {
            int skip = refusals.failed();
            LOG.debug("COPY refused a batch of {} records, which is converted, as are the next {} batches: {}", records.size(), skip,
                    refused.getCause().getMessage());
            return records;
        }
    }

    /** One transaction: every run copied (upserts straight into the table when {@code directly}), then {@code alongside} when no record was set aside. */
    private static List<SourceRecord> copy(Connection connection, List<Run> runs, List<SourceRecord> setAside, SameTransaction alongside,
            int batchSize, boolean directly) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL TimeZone = 'UTC'"); // a value without offset is UTC, as the converter reads it
        }
        Set<String> dirty = new HashSet<>(); // staging tables this transaction has filled
        for (Run run : runs) {
            try {
                run.plan().load(connection, run.records(), dirty, directly);
            } catch (SQLException e) {
                if (directly && SqlStates.UNIQUE_VIOLATION.equals(SqlStates.of(e))) {
                    throw new KeyTaken(e);
                }
                if (SqlStates.isDataError(e)) {
                    throw new Refused(e);
                }
                throw e;
            }
        }
        if (setAside.isEmpty() && alongside != null && !alongside.run(connection)) {
            connection.rollback();
            LOG.info("A batch of {} rows was already written by an earlier attempt; not writing it again", batchSize);
            return List.of();
        }
        return setAside;
    }

    /** Groups the records that can pass through into runs of one plan; sets the rest aside. */
    private List<Run> runs(List<SourceRecord> records, List<SourceRecord> setAside) {
        List<Run> runs = new ArrayList<>();
        Run run = null;
        RecordFormat format = null;
        CsvCopyPlan plan = null;
        for (SourceRecord record : records) {
            if (record.format() != format) { // the records of one file share their format: look its plan up once
                format = record.format();
                plan = planFor(format.csvLayout());
            }
            if (plan == null || !plan.passes(record.text().utf8()) || endsCopy(record.text().utf8())) {
                setAside.add(record);
                continue;
            }
            if (run == null || run.plan() != plan) {
                run = new Run(plan, new ArrayList<>());
                runs.add(run);
            }
            run.records().add(record);
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
    private static boolean endsCopy(byte[] utf8) {
        for (int i = 0; i + 1 < utf8.length; i++) {
            if (utf8[i] == '\\' && utf8[i + 1] == '.' && (i == 0 || utf8[i - 1] == '\n' || utf8[i - 1] == '\r')) {
                return true;
            }
        }
        return false;
    }
}
