package io.batchpipeline.transform;

import io.batchpipeline.source.SourceRecord;

/**
 * Turns a source record into the row a sink writes. Runs once per record before batching, so that a bad
 * record is rejected alone instead of failing a whole batch.
 */
public interface RecordConverter {

    Object convert(SourceRecord record) throws RejectedRecordException;
}
