package io.batchpipeline.sink;

import io.batchpipeline.batching.Batch;
import io.batchpipeline.transform.RecordConverter;

/**
 * Where batches go. A sink converts each record into its own row shape before batching (so a bad record is
 * rejected alone) and then writes whole batches, possibly from several writer threads at once.
 */
public interface BatchSink extends RecordConverter {

    /** Writes every row of the batch, all or nothing. */
    void write(Batch batch) throws Exception;

    /** A short description for logs, without credentials. */
    String describe();
}
