package io.batchpipeline.record;

/**
 * A converted record ready for a sink: {@code data} is what the sink's converter produced (typed column values
 * for JDBC, named fields for files); {@code origin} is the record it came from, for the dead-letter entry.
 */
public record Row<T>(T data, SourceRecord origin) {
}
