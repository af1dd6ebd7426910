package io.batchpipeline.delivery;

import java.util.List;

import io.batchpipeline.batching.Row;
import io.batchpipeline.deadletter.Errors;
import io.batchpipeline.sink.BatchSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows to a sink so that none is lost: a transient failure is retried with backoff (the writer thread
 * waits, and through the bounded hand-off so does the source); a data error is bisected until the bad
 * records are isolated and the good ones written; what cannot be written goes to the rejector, with the
 * SQLSTATE and message. An interrupted retry (a forced stop) gives up without rejecting anything: the
 * records stay unsettled and their source is read again at the next start.
 */
public final class ResilientWrite {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientWrite.class);

    /** Takes a row that cannot be written, with the reason. */
    @FunctionalInterface
    public interface Rejector {
        void reject(Row row, String reason);
    }

    private final BatchSink sink;
    private final RetryPolicy retry;

    public ResilientWrite(BatchSink sink, RetryPolicy retry) {
        this.sink = sink;
        this.retry = retry;
    }

    /** Returns how many rows were written; every other row was given to the rejector. */
    public int write(List<Row> rows, Rejector rejector) throws InterruptedException {
        if (rows.isEmpty()) {
            return 0;
        }
        Exception failure = attempt(rows);
        if (failure == null) {
            return rows.size();
        }
        if (FailureKind.of(failure) == FailureKind.DATA) {
            if (rows.size() == 1) {
                rejector.reject(rows.get(0), Errors.describe(failure));
                return 0;
            }
            int half = rows.size() / 2;
            return write(rows.subList(0, half), rejector) + write(rows.subList(half, rows.size()), rejector);
        }
        String reason = "batch of " + rows.size() + " rows failed: " + Errors.describe(failure);
        LOG.error("Write of {} rows to {} failed for good; they go to the dead-letter endpoint: {}", rows.size(), sink.describe(),
                Errors.describe(failure), failure);
        rows.forEach(row -> rejector.reject(row, reason));
        return 0;
    }

    /** Writes, retrying transient failures; returns null on success, or the failure that ended the attempts. */
    private Exception attempt(List<Row> rows) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                sink.write(rows);
                if (attempt > 1) {
                    LOG.info("Write to {} succeeded on attempt {}", sink.describe(), attempt);
                }
                return null;
            } catch (Exception e) {
                if (e instanceof InterruptedException interrupted) {
                    throw interrupted;
                }
                if (FailureKind.of(e) != FailureKind.TRANSIENT || attempt >= retry.maxAttempts()) {
                    return e;
                }
                long delay = retry.delayBeforeRetry(attempt);
                LOG.warn("Write of {} rows to {} failed (attempt {} of {}), retrying in {} ms: {}", rows.size(), sink.describe(),
                        attempt, retry.maxAttempts(), delay, Errors.describe(e));
                Thread.sleep(delay);
            }
        }
    }
}
