package io.batchpipeline.sink.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Tag;

/**
 * Against the MariaDB server on 127.0.0.1:3306 (root, no password, database test). It cannot be embedded,
 * so this runs only in the {@code services} Maven profile, which .ci/run turns on.
 */
@Tag("services")
class MariaDbSinkTest extends JdbcSinkContract {

    MariaDbSinkTest() {
        super("jdbc:mariadb://127.0.0.1:3306/test", "root", "");
    }

    /** MariaDB has no zoned timestamp: made_at_tz is a DATETIME holding UTC, which is what the sink stores. */
    @Override
    String createTypesTable() {
        return "CREATE TABLE types_check (id BIGINT PRIMARY KEY, small_n INTEGER, big_n BIGINT, amount NUMERIC(12,2), ratio DOUBLE PRECISION,"
                + " flag BOOLEAN, made_on DATE, made_at DATETIME(3), made_at_tz DATETIME(3), name VARCHAR(60), note TEXT) CHARACTER SET utf8mb4";
    }

    @Override
    Instant readAtTz(ResultSet rs) throws SQLException {
        return rs.getObject("made_at_tz", LocalDateTime.class).toInstant(ZoneOffset.UTC);
    }
}
