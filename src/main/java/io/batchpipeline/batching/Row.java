package io.batchpipeline.batching;

import io.batchpipeline.source.SourceRecord;

/**
 * A converted record ready for a sink: {@code data} is whatever the sink's converter produced (typed column
 * values for JDBC, named fields for files); {@code origin} is the record it came from, for the dead-letter file.
 */
public record Row(Object data, SourceRecord origin) {
}
