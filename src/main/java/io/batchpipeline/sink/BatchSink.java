package io.batchpipeline.sink;

import java.util.List;

import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.RejectedRecordException;
import io.batchpipeline.record.Row;
import io.batchpipeline.record.SourceRecord;

/**
 * Where batches go. Both methods run on the writer threads, several at once: a sink converts each record of a
 * batch, already parsed, into its own row shape {@code R} (a record that does not convert is rejected alone),
 * then writes the rows that did, all or nothing.
 */
public interface BatchSink<R> {

    /**
     * @param fields the record's parsed fields
     * @throws RejectedRecordException when the record does not fit the target
     */
    Row<R> convert(SourceRecord record, ParsedRecord fields) throws RejectedRecordException;

    /** Writes every row, all or nothing. */
    void write(List<Row<R>> rows) throws Exception;

    /**
     * Writes every row, all or nothing, and runs {@code alongside} in the same transaction when the sink writes to
     * its database. A sink that cannot (a file) just writes; the durable buffer then releases the batch after.
     */
    default void write(List<Row<R>> rows, SameTransaction alongside) throws Exception {
        write(rows);
    }

    /**
     * Checks that the sink could take a write now, for readiness while no batch is being written: for a database,
     * that a connection can be had and is valid. Nothing to check by default.
     *
     * @throws Exception why it could not
     */
    default void probe() throws Exception {
    }

    /** A short description for logs, without credentials. */
    String describe();
}
