package io.batchpipeline.sink.jdbc;

/** A table column as the database describes it, with its identifier already quoted for SQL. */
public record Column(String name, String quoted, int jdbcType, String typeName, int size, int scale, boolean nullable) {
}
