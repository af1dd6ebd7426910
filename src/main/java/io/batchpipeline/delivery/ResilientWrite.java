package io.batchpipeline.delivery;

import java.util.List;

import io.batchpipeline.common.Errors;
import io.batchpipeline.record.Row;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.sink.SameTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows to a sink so that none is lost: a transient failure is retried with backoff (the writer thread
 * waits, and through the bounded hand-off so does the source); a data error is bisected until the bad
 * records are isolated and the good ones written; what cannot be written goes to the rejector, with the
 * SQLSTATE and message. An interrupted retry (a forced stop) gives up without rejecting anything: the
 * records stay unsettled and their source is read again at the next start.
 *
 * <p>A batch from the durable buffer is never given up: when it cannot be written for a reason other than
 * its data, the write fails, the batch stays in the buffer, and the aggregator's recovery tries it again.
 */
public final class ResilientWrite<R> {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientWrite.class);

    /** Takes a row that cannot be written, with the reason. */
    @FunctionalInterface
    public interface Rejector {
        void reject(Row<?> row, String reason);
    }

    private final BatchSink<R> sink;
    private final RetryPolicy retry;

    public ResilientWrite(BatchSink<R> sink, RetryPolicy retry) {
        this.sink = sink;
        this.retry = retry;
    }

    /**
     * Returns how many rows were written; every other row was given to the rejector.
     *
     * @param release the durable buffer's release of this batch, run in the transaction that writes the whole
     *                batch; null when the batch is not durable
     * @throws Exception when a durable batch cannot be written now and stays in the buffer
     */
    public int write(List<Row<R>> rows, Rejector rejector, SameTransaction release) throws Exception {
        if (rows.isEmpty()) {
            return 0;
        }
        return write(rows, rejector, release, release != null);
    }

    private int write(List<Row<R>> rows, Rejector rejector, SameTransaction release, boolean durable) throws Exception {
        String what = "Write of " + rows.size() + " rows to " + sink.describe();
        Exception failure = retry.run(what, LOG, () -> sink.write(rows, release));
        if (failure == null) {
            return rows.size();
        }
        if (FailureKind.of(failure) == FailureKind.DATA) {
            if (rows.size() == 1) {
                rejector.reject(rows.get(0), Errors.describe(failure));
                return 0;
            }
            // the halves are written without the release: the buffer lets the batch go once all of it is settled
            int half = rows.size() / 2;
            return write(rows.subList(0, half), rejector, null, durable) + write(rows.subList(half, rows.size()), rejector, null, durable);
        }
        if (durable) {
            LOG.error("{} failed; the batch stays in the durable buffer and is tried again: {}", what, Errors.describe(failure));
            throw failure;
        }
        String reason = "batch of " + rows.size() + " rows failed: " + Errors.describe(failure);
        LOG.error("{} failed for good; they go to the dead-letter endpoint: {}", what, Errors.describe(failure), failure);
        rows.forEach(row -> rejector.reject(row, reason));
        return 0;
    }
}
