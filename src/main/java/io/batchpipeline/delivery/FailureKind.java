package io.batchpipeline.delivery;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

import io.batchpipeline.jdbc.SqlStates;

/** What a failed write says about what to do next. */
public enum FailureKind {
    /** The database or disk is away or busy: the same write may succeed later. Retry. */
    TRANSIENT,
    /** Some values are wrong (SQLSTATE classes 22 and 23): retrying fails again. Isolate the bad records. */
    DATA,
    /** Anything else, e.g. a missing table or permission: not the records' fault either; retried until fixed. */
    FATAL;

    /** Serialization failure, deadlock, admin shutdown, crash shutdown, cannot connect now, too many connections. */
    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03", "53300");

    public static FailureKind of(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = SqlStates.of(sql);
                if (state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state))) {
                    return TRANSIENT;
                }
                if (SqlStates.isDataError(sql)) {
                    return DATA;
                }
                if (sql instanceof SQLTransientException || sql instanceof SQLRecoverableException) {
                    return TRANSIENT; // includes HikariCP's timeout waiting for a connection
                }
            }
            if (t instanceof IOException) {
                return TRANSIENT;
            }
        }
        return FATAL;
    }
}
