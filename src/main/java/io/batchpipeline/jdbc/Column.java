package io.batchpipeline.jdbc;

/**
 * A table column as the database describes it, with its identifier already quoted for SQL.
 * {@code hasDefault}: the database fills it when a row leaves it out (a default or an identity).
 */
public record Column(String name, String quoted, int jdbcType, String typeName, int size, int scale, boolean nullable, boolean hasDefault) {
}
