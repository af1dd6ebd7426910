package io.batchpipeline.delivery;

import java.util.ArrayList;
import java.util.List;

import io.batchpipeline.common.Errors;
import io.batchpipeline.record.Row;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.sink.PassThrough;
import io.batchpipeline.sink.SameTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows to a sink so that none is lost. A failure that is not the data's (the database or disk away, a
 * missing table or permission) is retried with backoff until the sink takes the rows: the writer thread waits,
 * and through the bounded hand-off so does the source; nothing goes to the dead-letter endpoint for it. A data
 * error is bisected until the bad records are isolated and the good ones written; each bad record goes to the
 * rejector with the SQLSTATE and message. An interrupted retry (a forced stop) gives up without rejecting
 * anything: the records stay unsettled and their source is read again at the next start (or, durable, their
 * batch stays in the buffer).
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
     * Offers the records to a sink that takes them as they are ({@link PassThrough}), retrying the target's failures
     * as {@link #write} does. Returns the records it did not write, to be converted and written: all of them when
     * the sink cannot take records so.
     *
     * @param release as for {@link #write}; it goes with the records only when all of them are written
     */
    public List<SourceRecord> writeAsIs(List<SourceRecord> records, SameTransaction release) throws InterruptedException {
        if (!(sink instanceof PassThrough passThrough) || records.isEmpty()) {
            return records;
        }
        List<List<SourceRecord>> left = new ArrayList<>(1);
        Exception dataError = retry.run("Write of " + records.size() + " records as they are to " + sink.describe(), LOG, () -> {
            left.clear();
            left.add(passThrough.writeAsIs(records, release));
        });
        return dataError == null ? left.get(0) : records; // a data error it did not sort out: every record is converted
    }

    /**
     * Returns how many rows were written; every other row was given to the rejector for its data.
     *
     * @param release the durable buffer's release of this batch, run in the transaction that writes the whole
     *                batch; null when the batch is not durable
     * @throws InterruptedException when a stop interrupts the retries
     */
    public int write(List<Row<R>> rows, Rejector rejector, SameTransaction release) throws InterruptedException {
        if (rows.isEmpty()) {
            return 0;
        }
        Exception dataError = retry.run("Write of " + rows.size() + " rows to " + sink.describe(), LOG, () -> sink.write(rows, release));
        if (dataError == null) {
            return rows.size();
        }
        if (rows.size() == 1) {
            rejector.reject(rows.get(0), Errors.describe(dataError));
            return 0;
        }
        // the halves are written without the release: the buffer lets the batch go once all of it is settled
        int half = rows.size() / 2;
        return write(rows.subList(0, half), rejector, null) + write(rows.subList(half, rows.size()), rejector, null);
    }
}
