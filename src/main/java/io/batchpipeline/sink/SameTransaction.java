package io.batchpipeline.sink;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * Work that commits or rolls back with a batch's rows. The durable buffer deletes the batch there, so a batch
 * is either written and gone from the buffer, or neither: a write is never repeated after a crash, and a
 * retry after a commit whose acknowledgement was lost finds the batch gone and writes nothing.
 */
public interface SameTransaction {

    /** The database the work runs in: a sink runs it only in a transaction on this same database. */
    DataSource dataSource();

    /**
     * Runs inside the write's transaction, before the commit.
     *
     * @return false when the batch was already written by an earlier attempt; the sink then rolls back
     */
    boolean run(Connection connection) throws SQLException;

    /** The transaction that ran {@link #run} committed. */
    default void committed() {
    }
}
