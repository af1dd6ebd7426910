package io.batchpipeline.sink;

import java.util.List;

import io.batchpipeline.batching.Row;
import io.batchpipeline.source.ParsedRecord;
import io.batchpipeline.source.SourceRecord;
import io.batchpipeline.transform.RejectedRecordException;

/**
 * Where batches go. Both methods run on the writer threads, several at once: a sink converts each record
 * of a batch, already parsed, into its own row shape (a record that does not convert is rejected alone), then writes the
 * rows that did, all or nothing.
 */
public interface BatchSink {

    /**
     * @param fields the record's parsed fields
     * @throws RejectedRecordException when the record does not fit the target
     */
    Row convert(SourceRecord record, ParsedRecord fields) throws RejectedRecordException;

    /** Writes every row, all or nothing. */
    void write(List<Row> rows) throws Exception;

    /** A short description for logs, without credentials. */
    String describe();
}
