package io.batchpipeline.jdbc;

import java.sql.SQLException;

/** What a failure's SQLSTATE says about its cause. */
public final class SqlStates {

    /** A key is taken: another row has it. */
    public static final String UNIQUE_VIOLATION = "23505";

    private SqlStates() {
    }

    /**
     * The driver's SQLSTATE; drivers report a batch's failure on the chained exception (pgjdbc,
     * BatchUpdateException).
     */
    public static String of(SQLException error) {
        SQLException next = error.getNextException();
        return next != null && next.getSQLState() != null ? next.getSQLState() : error.getSQLState();
    }

    /** Some values are wrong (classes 22, data exception, and 23, integrity constraint violation): the same work fails again. */
    public static boolean isDataError(SQLException error) {
        String state = of(error);
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }
}
