package io.batchpipeline.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.batchpipeline.record.JsonText;
import io.batchpipeline.record.NumberText;
import io.batchpipeline.record.Row;
import io.batchpipeline.common.InvalidPropertyException;
import io.batchpipeline.jdbc.DataSources;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.record.RejectedRecordException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the JDBC sink must do on every supported database, run against a real one. Subclasses say how to
 * reach it and how it spells the test table's types.
 */
abstract class JdbcSinkContract {

    static final String TRICKY_TEXT = "comma, \"quotes\", tab\t, back\\slash, new\nline, unicode é✓李";

    protected HikariDataSource dataSource;

    private final String url;
    private final String user;
    private final String password;

    JdbcSinkContract(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    final String url() {
        return url;
    }

    final String user() {
        return user;
    }

    final String password() {
        return password;
    }

    /** The test table: id, small_n, big_n, amount numeric(12,2), ratio double, flag boolean, made_on date, made_at timestamp, made_at_tz (with zone where the database has it), name varchar(60), note text. */
    abstract String createTypesTable();

    /** The instant a value stored in made_at_tz denotes. */
    abstract Instant readAtTz(ResultSet rs) throws SQLException;

    @BeforeEach
    void createTable() throws SQLException {
        execute("DROP TABLE IF EXISTS types_check", createTypesTable());
        dataSource = DataSources.create(url(), user(), password(), 4);
    }

    @AfterEach
    void closePool() {
        dataSource.close();
    }

    @Test
    void everyTypeRoundTripsFromText() throws Exception {
        JdbcBatchSink sink = sink("insert");
        sink.write(batch(sink, record(1, "42", "9007199254740993", "12345.67", "0.125", "yes", "2026-02-28",
                "2026-03-01 12:34:56.789", "2026-03-01T12:34:56.789+02:00", "Zoë", TRICKY_TEXT)));

        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT small_n, big_n, amount, ratio, flag, made_on, made_at, made_at_tz, name, note FROM types_check WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt("small_n")).isEqualTo(42);
            assertThat(rs.getLong("big_n")).isEqualTo(9007199254740993L);
            assertThat(rs.getBigDecimal("amount")).isEqualByComparingTo(new BigDecimal("12345.67"));
            assertThat(rs.getDouble("ratio")).isEqualTo(0.125);
            assertThat(rs.getBoolean("flag")).isTrue();
            assertThat(rs.getObject("made_on", LocalDate.class)).isEqualTo(LocalDate.of(2026, 2, 28));
            assertThat(rs.getObject("made_at", LocalDateTime.class)).isEqualTo(LocalDateTime.of(2026, 3, 1, 12, 34, 56, 789_000_000));
            assertThat(readAtTz(rs)).isEqualTo(Instant.parse("2026-03-01T10:34:56.789Z"));
            assertThat(rs.getString("name")).isEqualTo("Zoë");
            assertThat(rs.getString("note")).isEqualTo(TRICKY_TEXT);
        }
    }

    @Test
    void emptyTextStaysEmptyWhileAnEmptyNumberIsNull() throws Exception {
        JdbcBatchSink sink = sink("insert");
        sink.write(batch(sink, record(2, "", "", "", "", "", "", "", "", "", "")));

        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT small_n, amount, flag, made_at_tz, name, note FROM types_check WHERE id = 2")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getObject("small_n")).isNull();
            assertThat(rs.getObject("amount")).isNull();
            assertThat(rs.getObject("flag")).isNull();
            assertThat(rs.getObject("made_at_tz")).isNull();
            assertThat(rs.getString("name")).isEmpty();
            assertThat(rs.getString("note")).isEmpty();
        }
    }

    @Test
    void jsonScalarsConvertLikeText() throws Exception {
        JdbcBatchSink sink = sink("insert");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ID", 3L);
        fields.put("amount", new BigDecimal("7.5"));
        fields.put("Flag", false);
        fields.put("name", null);
        sink.write(batch(sink, SourceRecord.of("test", 1, "{}", fields)));

        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT amount, flag, name FROM types_check WHERE id = 3")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBigDecimal("amount")).isEqualByComparingTo("7.50");
            assertThat(rs.getBoolean("flag")).isFalse();
            assertThat(rs.getString("name")).isNull();
        }
    }

    @Test
    void jsonNumbersKeepTheirTextInTextColumnsAndTheirValueInNumericOnes() throws Exception {
        JdbcBatchSink sink = sink("insert");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ID", 4L);
        fields.put("amount", new NumberText("75e-1", new BigDecimal("75e-1")));
        fields.put("ratio", new NumberText("-0", BigDecimal.ZERO));
        fields.put("name", new NumberText("1.0E+2", new BigDecimal("1.0E+2")));
        fields.put("note", new JsonText("[1.0e2, {\"a\": -0}]"));
        sink.write(batch(sink, SourceRecord.of("test", 1, "{}", fields)));

        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT amount, ratio, name, note FROM types_check WHERE id = 4")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBigDecimal("amount")).isEqualByComparingTo("7.50");
            assertThat(rs.getDouble("ratio")).isZero();
            assertThat(rs.getString("name")).isEqualTo("1.0E+2");
            assertThat(rs.getString("note")).isEqualTo("[1.0e2, {\"a\": -0}]");
        }
    }

    @Test
    void upsertRunTwiceLeavesOneRowPerKeyHoldingTheLatestValues() throws Exception {
        JdbcBatchSink sink = sink("upsert");
        List<SourceRecord> first = new ArrayList<>();
        for (int id = 1; id <= 100; id++) {
            first.add(named(id, "v1"));
        }
        List<SourceRecord> second = new ArrayList<>();
        for (int id = 51; id <= 150; id++) {
            second.add(named(id, "v2"));
        }
        second.add(named(60, "v3")); // the same key twice in one batch: the later record wins

        sink.write(batch(sink, first.toArray(SourceRecord[]::new)));
        sink.write(batch(sink, second.toArray(SourceRecord[]::new)));
        sink.write(batch(sink, second.toArray(SourceRecord[]::new)));

        assertThat(count("SELECT COUNT(*) FROM types_check")).isEqualTo(150);
        assertThat(count("SELECT COUNT(DISTINCT id) FROM types_check")).isEqualTo(150);
        assertThat(name(10)).isEqualTo("v1");
        assertThat(name(60)).isEqualTo("v3");
        assertThat(name(150)).isEqualTo("v2");
    }

    @Test
    void withAVersionColumnAnUpsertNeverReplacesARowByAnOlderOne() throws Exception {
        JdbcBatchSink sink = sink("upsert", "big_n");
        // batches applied in another order than their records arrived, as parallel writers and retries may apply them
        sink.write(batch(sink, versioned(1, 3, "third"), versioned(2, 1, "first")));
        sink.write(batch(sink, versioned(1, 2, "second"), versioned(2, 2, "second"),
                versioned(3, 5, "five"), versioned(3, 7, "seven"), versioned(3, 6, "six"), versioned(3, 7, "seven again")));
        sink.write(batch(sink, versioned(1, 1, "first")));
        execute("INSERT INTO types_check (id, name) VALUES (4, 'stored without a version')");
        sink.write(batch(sink, versioned(4, 1, "first")));

        assertThat(name(1)).isEqualTo("third");
        assertThat(name(2)).isEqualTo("second");
        assertThat(name(3)).as("the greatest version of a batch, the first of equals").isEqualTo("seven");
        assertThat(name(4)).as("any version is newer than none").isEqualTo("first");
        assertThat(count("SELECT big_n FROM types_check WHERE id = 1")).isEqualTo(3);
    }

    @Test
    void aVersionColumnNeedsUpsertModeAndANonKeyColumn() {
        assertThatThrownBy(() -> sink("insert", "big_n")).isInstanceOf(InvalidPropertyException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("versionColumn").contains("upsert"));
        assertThatThrownBy(() -> sink("upsert", "id")).isInstanceOf(InvalidPropertyException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("versionColumn").contains("not a key"));
    }

    @Test
    void aBatchIsOneTransaction() throws Exception {
        JdbcBatchSink sink = sink("insert");
        List<Row<Object[]>> withDuplicateKey = batch(sink, named(1, "a"), named(2, "b"), named(1, "again"));

        assertThatThrownBy(() -> sink.write(withDuplicateKey)).isInstanceOf(SQLException.class);
        assertThat(count("SELECT COUNT(*) FROM types_check")).isZero();
    }

    @Test
    void aValueThatDoesNotFitItsColumnRejectsOnlyItsRecord() throws Exception {
        JdbcBatchSink sink = sink("insert");

        assertRejected(sink, record(4, "abc", "", "", "", "", "", "", "", "", ""), "small_n");
        assertRejected(sink, record(4, "", "", "123456789012.5", "", "", "", "", "", "", ""), "amount");
        assertRejected(sink, record(4, "", "", "", "", "maybe", "", "", "", "", ""), "flag");
        assertRejected(sink, record(4, "", "", "", "", "", "2026-02-30", "", "", "", ""), "made_on");
        assertRejected(sink, record(4, "", "", "", "", "", "", "", "", "x".repeat(61), ""), "too long");
        assertRejected(sink, record(4, "", "", "", "", "", "", "", "", "\u00e9".repeat(61), ""), "too long");
        Map<String, Object> noId = new LinkedHashMap<>();
        noId.put("name", "no id");
        assertRejected(sink, SourceRecord.of("test", 9, "no id", noId), "NOT NULL");
    }

    @Test
    void tableAndColumnNamesMustExistInTheDatabase() {
        JdbcBatchSink hostileTable = new JdbcBatchSink();
        hostileTable.setDataSource(dataSource);
        hostileTable.setTable("types_check; DROP TABLE types_check");
        assertThatThrownBy(hostileTable::init).isInstanceOf(InvalidPropertyException.class).hasMessageStartingWith("table: ");

        JdbcBatchSink hostileColumn = new JdbcBatchSink();
        hostileColumn.setDataSource(dataSource);
        hostileColumn.setTable("types_check");
        hostileColumn.setColumns("id, name) VALUES (1, 'x'); --");
        assertThatThrownBy(hostileColumn::init).isInstanceOf(InvalidPropertyException.class).hasMessageStartingWith("columns: ");
    }

    @Test
    void upsertNeedsKeyColumnsThatAreAUniqueKey() {
        JdbcBatchSink sink = new JdbcBatchSink();
        sink.setDataSource(dataSource);
        sink.setTable("types_check");
        sink.setMode("upsert");
        sink.setKeyColumns("name");
        assertThatThrownBy(sink::init).isInstanceOf(InvalidPropertyException.class)
                .hasMessageStartingWith("keyColumns: ").hasMessageContaining("unique");
    }

    private void assertRejected(JdbcBatchSink sink, SourceRecord record, String reason) {
        assertThatThrownBy(() -> sink.convert(record, record.parse())).isInstanceOf(RejectedRecordException.class)
                .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase(reason));
    }

    JdbcBatchSink sink(String mode) {
        return sink(mode, "");
    }

    JdbcBatchSink sink(String mode, String versionColumn) {
        JdbcBatchSink sink = new JdbcBatchSink();
        sink.setDataSource(dataSource);
        sink.setTable("types_check");
        sink.setMode(mode);
        sink.setKeyColumns("id");
        sink.setVersionColumn(versionColumn);
        sink.init();
        return sink;
    }

    static List<Row<Object[]>> batch(JdbcBatchSink sink, SourceRecord... records) throws RejectedRecordException {
        List<Row<Object[]>> rows = new ArrayList<>();
        for (SourceRecord record : records) {
            rows.add(sink.convert(record, record.parse()));
        }
        return rows;
    }

    static SourceRecord record(long id, String smallN, String bigN, String amount, String ratio, String flag, String day,
                               String at, String atTz, String name, String note) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", Long.toString(id));
        fields.put("small_n", smallN);
        fields.put("big_n", bigN);
        fields.put("amount", amount);
        fields.put("ratio", ratio);
        fields.put("flag", flag);
        fields.put("made_on", day);
        fields.put("made_at", at);
        fields.put("made_at_tz", atTz);
        fields.put("name", name);
        fields.put("note", note);
        return SourceRecord.of("test", id, "record " + id, fields);
    }

    static SourceRecord named(long id, String name) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", Long.toString(id));
        fields.put("name", name);
        return SourceRecord.of("test", id, id + "," + name, fields);
    }

    static SourceRecord versioned(long id, long version, String name) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", Long.toString(id));
        fields.put("big_n", Long.toString(version));
        fields.put("name", name);
        return SourceRecord.of("test", id, id + "," + version + "," + name, fields);
    }

    String name(long id) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM types_check WHERE id = " + id)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void execute(String... statements) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user(), password());
    }

    DataSource dataSource() {
        return dataSource;
    }
}
