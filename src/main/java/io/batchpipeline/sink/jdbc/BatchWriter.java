package io.batchpipeline.sink.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import io.batchpipeline.jdbc.Column;
import io.batchpipeline.record.Row;

/** Sends one batch over a connection inside the caller's transaction. */
interface BatchWriter {

    /**
     * @param columns the columns this batch carries, in table order
     * @param indexes where each of those columns sits in a row's values
     */
    void write(Connection connection, List<Column> columns, int[] indexes, List<Row<Object[]>> rows) throws SQLException;
}
