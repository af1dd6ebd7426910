package io.batchpipeline.sink.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

class H2SinkTest extends JdbcSinkContract {

    H2SinkTest() {
        super("jdbc:h2:mem:sink-test;DB_CLOSE_DELAY=-1", "sa", "");
    }

    @Override
    String createTypesTable() {
        return "CREATE TABLE types_check (id BIGINT PRIMARY KEY, small_n INTEGER, big_n BIGINT, amount NUMERIC(12,2), ratio DOUBLE PRECISION,"
                + " flag BOOLEAN, made_on DATE, made_at TIMESTAMP(3), made_at_tz TIMESTAMP(3) WITH TIME ZONE, name VARCHAR(60), note VARCHAR(1000))";
    }

    @Override
    Instant readAtTz(ResultSet rs) throws SQLException {
        return rs.getObject("made_at_tz", OffsetDateTime.class).toInstant();
    }
}
