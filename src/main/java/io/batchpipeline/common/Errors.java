package io.batchpipeline.common;

import java.sql.SQLException;

/** Short, readable descriptions of write errors for logs and dead-letter entries. */
public final class Errors {

    private static final int MAX_LENGTH = 1000;

    private Errors() {
    }

    /**
     * The SQLSTATE and the database's own message. Drivers wrap batch failures (pgjdbc repeats the whole
     * rewritten statement); the chained exception holds the message worth reading.
     */
    public static String describe(Throwable error) {
        String text;
        if (error instanceof SQLException sql) {
            SQLException cause = sql.getNextException() != null ? sql.getNextException() : sql;
            text = "SQLSTATE " + cause.getSQLState() + ": " + cause.getMessage();
        } else {
            text = error.getClass().getSimpleName() + ": " + error.getMessage();
        }
        return text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) + "..." : text;
    }
}
