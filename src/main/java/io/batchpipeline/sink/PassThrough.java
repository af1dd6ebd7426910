package io.batchpipeline.sink;

import java.util.List;

import io.batchpipeline.record.SourceRecord;

/**
 * A sink that can take records as their source text is, without the pipeline parsing or converting them: the
 * target reads the text itself (PostgreSQL's COPY reads CSV). The writer offers each batch here first and sends
 * what comes back the usual way ({@link BatchSink#convert}, then {@link BatchSink#write}).
 */
public interface PassThrough {

    /**
     * Writes, in one transaction, the records the target takes as they are, and returns the others, in batch
     * order. {@code alongside} runs in that transaction only when no record is returned; when every record is
     * returned nothing was written.
     *
     * @throws Exception a failure of the target, not of the records: nothing was written, try again
     */
    List<SourceRecord> writeAsIs(List<SourceRecord> records, SameTransaction alongside) throws Exception;
}
