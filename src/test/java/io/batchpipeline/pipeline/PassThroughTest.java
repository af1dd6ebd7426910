package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchpipeline.observability.PipelineStats;
import io.batchpipeline.support.Databases;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSV into PostgreSQL goes to COPY unparsed, and gives the table and the dead letters that parsing and converting
 * every record gives: each case loads the same file twice, pass-through on and off, and compares.
 */
class PassThroughTest {

    private static final String COLUMNS = "id BIGINT PRIMARY KEY, name TEXT, code VARCHAR(5), amount NUMERIC(10,2) NOT NULL, qty INTEGER,"
            + " score DOUBLE PRECISION, paid BOOLEAN, day DATE, local_at TIMESTAMP, zoned_at TIMESTAMPTZ, at_time TIME, doc JSONB";

    private static final String HEADER = "id,name,code,amount,qty,score,paid,day,local_at,zoned_at,at_time,doc\n";

    /**
     * Values on which PostgreSQL's input rules and the converter's could part, all of which both take. The header
     * names zone-less columns, so the records go through a staging table.
     */
    private static final String AWKWARD = HEADER + """
            1,Ada,A1,12.50,3,0.5,true,2026-01-02,2026-01-02T10:00:00,2026-01-02T10:00:00Z,10:00:00,"{""a"": 1}"
            2,"O'Brien, Pat",,1.005,,1e2,yes,,2026-01-02T10:00:00+02:00,2026-01-02 10:00:00,,
            3,\"""Big"" Bob","",7, 7 ,-0.0,f,2026-02-28,,2026-01-02T10:00:00-05:00,23:59:59.123456,[]
            5,"one
            \\.
            three",C,1,1,1,0,,,,,
            6,a"b"c,C,1,1,1,n,,,,,
            11,NaN score,C,2,2,NaN,F,2024-02-29,,,,
            14,Üñí 🚀,C,-2.5,-3,2.5e-3,FALSE,0001-01-01,2026-06-30T23:59:59.999999Z,2026-06-30T23:59:59.999999+14:00,12:30,"{""k"": [1, ""x""]}"
            16,"two
            lines",B,3.14,1,1,1,2026-03-01,2026-03-01 00:00:00,2026-03-01T00:00:00.5+01:00,00:00,null
            """;

    /** Records PostgreSQL refuses, among good ones: all but "1.0" (an integer to the converter) must be refused. */
    private static final String REFUSED = HEADER + """
            1,Good,A,1,1,1,t,,,,,
            4,One point oh,B,3.14,1.0,1,1,,,,,
            7,Bad amount,C,abc,1,1,t,,,,,
            8,Too long,TOOLONG,1,1,1,t,,,,,
            10,Too few,C,1
            12,No such day,C,2,2,1,t,2026-02-30,,,,
            13,Rounds over,C,99999999.995,1,1,t,,,,,
            15,"unterminated,C,1,1,1,t,,,,,
            17,After the stray quote,C,1,1,1,t,,,,,
            """;

    @TempDir
    Path dir;

    @AfterEach
    void dropTables() throws Exception {
        Databases.execute(url(), "postgres", "", "DROP TABLE IF EXISTS passed", "DROP TABLE IF EXISTS converted");
        Databases.dropDurableBuffer(url(), "postgres", "");
    }

    @Test
    void valuesReadByPostgresqlEqualTheConvertedOnes() throws Exception {
        Load passed = load("passed", true, Map.of(), AWKWARD);
        load("converted", false, Map.of(), AWKWARD);

        assertThat(differingRows("passed", "converted")).isZero();
        assertThat(count("SELECT COUNT(*) FROM passed")).isEqualTo(8);
        // values the pipeline defines, not PostgreSQL: empty text, offsets into zone-less columns, UTC without one
        assertThat(count("SELECT COUNT(*) FROM passed WHERE id = 2 AND code = '' AND qty IS NULL AND day IS NULL AND score = 100"
                + " AND local_at = '2026-01-02 08:00:00' AND zoned_at = '2026-01-02 10:00:00+00'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM passed WHERE id = 3 AND name = '\"Big\" Bob' AND code = '' AND qty = 7")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM passed WHERE id = 5 AND name = E'one\\n\\\\.\\nthree'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM passed WHERE id = 6 AND name = 'a\"b\"c'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM passed WHERE id = 14 AND at_time = '12:30' AND local_at = '2026-06-30 23:59:59.999999'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM passed WHERE id = 16 AND name = E'two\\nlines' AND at_time = '00:00'"
                + " AND zoned_at = '2026-02-28 23:00:00.5+00'")).isEqualTo(1);
        // unparsed: 1, 14 and 16; converted: 5 (a line starting \.), 6 (a stray quote), and the values that do not look
        // plain to the pass-through's check: 2 (1.005 has more decimals than amount's scale), 3 (" 7 "), 11 (NaN)
        assertThat(passed.stats().rowsPassedThrough()).isEqualTo(3);
    }

    @Test
    void aBatchPostgresqlRefusesIsConvertedWholeAndItsBadRecordsGetTheConvertersReason() throws Exception {
        Load passed = load("passed", true, Map.of(), REFUSED);
        Load converted = load("converted", false, Map.of(), REFUSED);

        assertThat(differingRows("passed", "converted")).isZero();
        assertThat(count("SELECT COUNT(*) FROM passed WHERE id IN (1, 4, 17) AND qty = 1")).isEqualTo(3);
        assertThat(passed.deadLetters()).isEqualTo(converted.deadLetters())
                .extracting(line -> line.substring(0, line.indexOf(':')))
                .containsExactly("4", "5", "6", "7", "8", "9");
        assertThat(passed.stats().rowsPassedThrough()).isZero();
    }

    @Test
    void afterARefusedBatchTheStreamPassesThroughAgain() throws Exception {
        StringBuilder csv = new StringBuilder("id,name,amount,day\n");
        for (int id = 1; id <= 1000; id++) {
            // a date that is not one, which the pass-through's check leaves to PostgreSQL
            csv.append(id).append(",n").append(id).append(',').append(id).append(".5,").append(id == 150 ? "2026-02-30" : "").append('\n');
        }
        csv.append("7,again,1,\n"); // a duplicate key, which only PostgreSQL can find
        // one writer, so that batches are written in order: 10 of 100 records, then the duplicate alone
        Map<String, String> inOrder = Map.of("batch.size", "100", "batch.writers", "1");
        Load passed = load("passed", true, inOrder, csv.toString());
        Load converted = load("converted", false, inOrder, csv.toString());

        assertThat(differingRows("passed", "converted")).isZero();
        assertThat(passed.stats().rowsWritten()).isEqualTo(999);
        // refused: the 2nd batch (id 150) and the last (the duplicate); converted without trying: the 3rd
        assertThat(passed.stats().rowsPassedThrough()).isEqualTo(800);
        assertThat(passed.deadLetters()).isEqualTo(converted.deadLetters()).hasSize(2);
        assertThat(passed.deadLetters()).anyMatch(line -> line.startsWith("151: ") && line.contains("column day") && line.contains("2026-02-30"))
                .anyMatch(line -> line.startsWith("1002: ") && line.contains("duplicate key"));
    }

    @Test
    void aValueThatIsNotPlainIsSetAsideAndTheRestOfItsBatchPassesThrough() throws Exception {
        StringBuilder csv = new StringBuilder("id,name,amount,qty,paid\n");
        for (int id = 1; id <= 1000; id++) {
            String amount = id % 100 == 0 ? id + ".00 EUR" : id + ".25";
            String qty = id % 100 == 50 ? "many" : Integer.toString(id % 7);
            csv.append(id).append(",n").append(id).append(',').append(amount).append(',').append(qty).append(',').append(id % 2 == 0).append('\n');
        }
        Load passed = load("passed", true, Map.of(), csv.toString());
        Load converted = load("converted", false, Map.of(), csv.toString());

        assertThat(differingRows("passed", "converted")).isZero();
        assertThat(passed.stats().rowsWritten()).isEqualTo(980);
        assertThat(passed.stats().rowsPassedThrough()).as("every good row of the one batch").isEqualTo(980);
        assertThat(passed.deadLetters()).isEqualTo(converted.deadLetters()).hasSize(20)
                .allMatch(line -> line.contains("column amount") && line.contains("EUR") || line.contains("column qty") && line.contains("many"));
    }

    @Test
    void withTheDurableBufferABatchPassesOnlyWholeSoThatItLeavesTheBufferInOneTransaction() throws Exception {
        Map<String, String> durable = Map.of("batch.durable", "true");
        Load withSetAside = load("passed", true, durable, AWKWARD);
        load("converted", false, durable, AWKWARD);
        assertThat(differingRows("passed", "converted")).isZero();
        assertThat(withSetAside.stats().rowsPassedThrough()).as("5 and 6 are set aside, so the batch is converted").isZero();

        Load clean = load("passed", true, durable, "id,name,amount\n1,a,1.5\n2,b,2.5\n");
        assertThat(clean.stats().rowsPassedThrough()).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM batch_pipeline_buffer")).as("nothing left in the buffer").isZero();
    }

    @Test
    void upsertKeepsTheLastRowOfEachKeyAsTheConvertingPathDoes() throws Exception {
        String updates = "id,name,amount\n1,a,1\n2,b,1\n1,c,2\n1,d,0\n2,e,1\n3,f,1\n";
        Map<String, String> upsert = Map.of("sink.jdbc.mode", "upsert");
        Load passed = load("passed", true, upsert, updates);
        load("converted", false, upsert, updates);

        assertThat(differingRows("passed", "converted")).isZero();
        assertThat(names("passed")).isEqualTo("1:d,2:e,3:f");
        assertThat(passed.stats().rowsPassedThrough()).isEqualTo(6);
    }

    @Test
    void anUpsertOfNewKeysIsCopiedStraightInAndOneOverTakenKeysGoesThroughTheStagingTable() throws Exception {
        createTable("passed");
        // what each statement that inserts into the table was, in order: COPY straight in, or INSERT from the staging table
        Databases.execute(url(), "postgres", "",
                "CREATE TABLE passed_statements (n SERIAL PRIMARY KEY, statement TEXT)",
                "CREATE FUNCTION passed_log() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN INSERT INTO passed_statements (statement) VALUES (split_part(current_query(), ' ', 1)); RETURN NULL; END $$",
                "CREATE TRIGGER passed_log BEFORE INSERT ON passed FOR EACH STATEMENT EXECUTE FUNCTION passed_log()");
        // one writer and batches of 2: new keys; key 1 again; new keys again, staged without trying; new keys, copied
        String updates = "id,name,amount\n1,a,1\n2,b,1\n1,c,2\n3,d,1\n4,e,1\n5,f,1\n6,g,1\n7,h,1\n";
        Map<String, String> upsert = Map.of("sink.jdbc.mode", "upsert", "batch.size", "2", "batch.writers", "1");
        try {
            Load passed = loadInto("passed", "passed", true, upsert, updates);
            load("converted", false, upsert, updates);

            assertThat(differingRows("passed", "converted")).isZero();
            assertThat(names("passed")).isEqualTo("1:c,2:b,3:d,4:e,5:f,6:g,7:h");
            assertThat(passed.stats().rowsPassedThrough()).isEqualTo(8);
            List<String> statements = Databases.strings(url(), "postgres", "", "SELECT statement FROM passed_statements ORDER BY n");
            assertThat(statements).containsExactly("COPY", "INSERT", "INSERT", "COPY");
        } finally {
            Databases.execute(url(), "postgres", "", "DROP TABLE IF EXISTS passed", "DROP TABLE IF EXISTS passed_statements",
                    "DROP FUNCTION IF EXISTS passed_log()");
        }
    }

    @Test
    void upsertOverRowsAlreadyThereUpdatesThemAsTheConvertingPathDoes() throws Exception {
        Map<String, String> upsert = Map.of("sink.jdbc.mode", "upsert");
        for (String table : List.of("passed", "converted")) {
            load(table, table.equals("passed"), upsert, "id,name,amount\n1,a,1\n2,b,1\n3,c,1\n");
            loadInto(table, table + "-again", table.equals("passed"), upsert, "id,name,amount\n3,C,2\n4,d,1\n2,B,2\n");
        }

        assertThat(differingRows("passed", "converted")).isZero();
        assertThat(names("passed")).isEqualTo("1:a,2:B,3:C,4:d");
    }

    @Test
    void upsertWithAVersionKeepsTheGreatestVersionFirstOfEqualsAsTheConvertingPathDoes() throws Exception {
        String updates = "id,name,amount\n1,a,1\n2,b,1\n1,c,2\n1,d,0\n2,e,1\n";
        Map<String, String> versioned = Map.of("sink.jdbc.mode", "upsert", "sink.jdbc.version-column", "amount");
        load("passed", true, versioned, updates);
        load("converted", false, versioned, updates);

        assertThat(differingRows("passed", "converted")).isZero();
        assertThat(names("passed")).isEqualTo("1:c,2:b");
    }

    @Test
    void aHeaderWithAFieldTheTableLacksIsConvertedAndTheFieldIgnored() throws Exception {
        Load passed = load("passed", true, Map.of(), "id,name,amount,colour\n1,a,1,red\n2,b,2,blue\n");

        assertThat(passed.stats().rowsWritten()).isEqualTo(2);
        assertThat(passed.stats().rowsPassedThrough()).isZero();
        assertThat(names("passed")).isEqualTo("1:a,2:b");
    }

    /** A finished load: its counters and its dead letters as "line: reason" lines, sorted as text. */
    private record Load(PipelineStats stats, List<String> deadLetters) {
    }

    /** Loads the CSV into a new table of {@link #COLUMNS}, in batches of 1000 unless {@code extra} says, and waits until every record is settled. */
    private Load load(String table, boolean passThrough, Map<String, String> extra, String csv) throws Exception {
        createTable(table);
        return loadInto(table, table, passThrough, extra, csv);
    }

    private static void createTable(String table) throws Exception {
        Databases.execute(url(), "postgres", "", "DROP TABLE IF EXISTS " + table, "CREATE TABLE " + table + " (" + COLUMNS + ")");
    }

    /** Loads into the table as it is, from a run folder of its own. */
    private Load loadInto(String table, String runName, boolean passThrough, Map<String, String> extra, String csv) throws Exception {
        Path run = dir.resolve(runName);
        Map<String, String> settings = RunningPipeline.defaults(run);
        settings.put("sink.jdbc.url", url());
        settings.put("sink.jdbc.username", "postgres");
        settings.put("sink.jdbc.init-script", "");
        settings.put("sink.jdbc.table", table);
        settings.put("sink.pass-through", Boolean.toString(passThrough));
        settings.put("batch.size", "1000");
        settings.putAll(extra);
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeFile(run.resolve("input"), "records.csv", csv);
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(run.resolve("input/.done/records.csv")));
            PipelineStats stats = pipeline.stats();
            Path deadLetters = run.resolve("deadletter/rejected.jsonl");
            List<String> rejected = Files.exists(deadLetters) ? SampleData.readJsonLines(deadLetters).stream()
                    .map(entry -> lineAndReason(entry, table)).sorted().toList() : List.of();
            return new Load(stats, rejected);
        }
    }

    /** The table's own name (in a constraint's name, say) reads {@code <table>}, so that loads into two tables compare. */
    private static String lineAndReason(JsonNode entry, String table) {
        return entry.get("line").asLong() + ": " + entry.get("reason").asText().replace(table, "<table>");
    }

    private static long differingRows(String a, String b) throws Exception {
        return count("SELECT COUNT(*) FROM ((SELECT * FROM " + a + " EXCEPT ALL SELECT * FROM " + b + ") UNION ALL (SELECT * FROM " + b
                + " EXCEPT ALL SELECT * FROM " + a + ")) d");
    }

    private static String names(String table) throws Exception {
        Set<String> seen = new java.util.TreeSet<>();
        try (var connection = java.sql.DriverManager.getConnection(url(), "postgres", "");
             var rows = connection.createStatement().executeQuery("SELECT id, name FROM " + table + " ORDER BY id")) {
            while (rows.next()) {
                seen.add(rows.getLong(1) + ":" + rows.getString(2));
            }
        }
        return seen.stream().collect(Collectors.joining(","));
    }

    private static String url() {
        return TestPostgres.url();
    }

    private static long count(String sql) throws Exception {
        return Databases.count(url(), "postgres", "", sql);
    }
}
