package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchpipeline.config.Setting;
import io.batchpipeline.support.Databases;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad records go to the dead-letter file with reason, source and line; the good ones land; the stream goes on. */
class BadInputTest {

    @TempDir
    Path dir;

    @Test
    void malformedCsvLinesAndTypeErrorsAreDeadLetteredAndTheRestLands() throws Exception {
        String csv = String.join("\n",
                SampleData.HEADER,
                SampleData.csvLine(1),
                "2,B,abc,1,2026-01-01T00:00:00Z,x,true",                // line 3: amount is not a number
                "3,C,1.00",                                              // line 4: too few fields
                "4,\"D\"x,1.00,1,2026-01-01T00:00:00Z,x,true",           // line 5: text after a closing quote
                SampleData.csvLine(5),
                "6,\"multi",                                             // lines 7-8: a quoted line break is fine
                "line\",1.00,1,2026-01-01T00:00:00Z,x,false",
                "7,E,1.00,1,not-a-date,x,true",                          // line 9
                SampleData.csvLine(8)) + "\n";
        Map<String, String> settings = RunningPipeline.defaults(dir);
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeFile(dir.resolve("input"), "mixed.csv", csv);

            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 4 && pipeline.stats().recordsRejected() == 4);
        }

        assertThat(Databases.count(settings.get("sink.jdbc.url"), "sa", "", "SELECT COUNT(*) FROM orders")).isEqualTo(4);
        assertThat(Databases.count(settings.get("sink.jdbc.url"), "sa", "", "SELECT COUNT(*) FROM orders WHERE note = 'multi' || CHAR(10) || 'line'"))
                .isEqualTo(0); // the multi-line field is the customer column: check it arrived whole
        assertThat(Databases.count(settings.get("sink.jdbc.url"), "sa", "", "SELECT COUNT(*) FROM orders WHERE customer = 'multi' || CHAR(10) || 'line'"))
                .isEqualTo(1);

        List<JsonNode> rejected = deadLetters();
        assertThat(rejected).extracting(n -> n.get("line").asLong()).containsExactly(3L, 4L, 5L, 9L);
        assertThat(rejected).allSatisfy(n -> assertThat(n.get("source").asText()).isEqualTo("mixed.csv"));
        assertThat(rejected.get(0).get("reason").asText()).contains("AMOUNT").contains("abc");
        assertThat(rejected.get(1).get("reason").asText()).contains("expected 7 fields");
        assertThat(rejected.get(2).get("reason").asText()).contains("malformed CSV");
        assertThat(rejected.get(3).get("reason").asText()).contains("ORDERED_AT");
        assertThat(rejected.get(1).get("record").asText()).isEqualTo("3,C,1.00");
        assertThat(Files.exists(dir.resolve("input/.done/mixed.csv"))).as("the file is done, not failed").isTrue();
    }

    @Test
    void aStrayQuoteRejectsItsOwnRecordAndTheRecordsAfterItLand() throws Exception {
        StringBuilder csv = new StringBuilder(SampleData.HEADER).append('\n').append(SampleData.csvLine(1)).append('\n');
        csv.append("2,\"unterminated,1.00,1,2026-01-01T00:00:00Z,x,true\n"); // line 3: its quote never closes
        for (long id = 3; id <= 40; id++) {
            csv.append(SampleData.csvLine(id)).append('\n');
        }
        Map<String, String> settings = RunningPipeline.defaults(dir);
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeFile(dir.resolve("input"), "stray.csv", csv.toString());

            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 39 && pipeline.stats().recordsRejected() == 1);
        }

        List<JsonNode> rejected = deadLetters();
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).get("line").asLong()).isEqualTo(3);
        assertThat(rejected.get(0).get("record").asText()).isEqualTo("2,\"unterminated,1.00,1,2026-01-01T00:00:00Z,x,true");
    }

    @Test
    void aDeadLetterThatCannotBeWrittenFailsOnlyTheFileItCameFrom() throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("camel.main.routes-include-pattern", RunningPipeline.DEFAULT_ROUTES + ",classpath:routes/picky-dead-letters.yaml");
        settings.put("test.dead-letters", settings.get("deadletter.uri"));
        settings.put("deadletter.uri", "direct:picky-dead-letters");
        settings.put("batch.size", "10");
        settings.put("batch.timeout", "600000");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            // one batch of ten records from two files; the one bad record's dead letter is refused
            SampleData.writeFile(dir.resolve("input"), "a.csv", String.join("\n", SampleData.HEADER, SampleData.csvLine(1), SampleData.csvLine(2),
                    SampleData.csvLine(3), SampleData.csvLine(4), "5,E,unwritable,1,2026-01-01T00:00:00Z,x,true") + "\n");
            SampleData.writeFile(dir.resolve("input"), "b.csv", String.join("\n", SampleData.HEADER, SampleData.csvLine(6), SampleData.csvLine(7),
                    SampleData.csvLine(8), SampleData.csvLine(9), SampleData.csvLine(10)) + "\n");

            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("input/.done/b.csv")) && Files.exists(dir.resolve("input/.error/a.csv")));
            assertThat(pipeline.stats().rowsWritten()).isEqualTo(9);
        }
    }

    @Test
    void aLatin1FileReadAsUtf8RejectsTheRecordsItCannotDecodeAndLoadsExactlyWithItsCharset() throws Exception {
        byte[] latin1 = String.join("\n", SampleData.HEADER, SampleData.csvLine(1).replace("customer 1", "Z\u00fcrich"), SampleData.csvLine(2))
                .concat("\n").getBytes(StandardCharsets.ISO_8859_1);
        Map<String, String> settings = RunningPipeline.defaults(dir);
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeFile(dir.resolve("input"), "latin1.csv", latin1);
            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 1 && pipeline.stats().recordsRejected() == 1);
        }
        assertThat(deadLetters()).singleElement().satisfies(n -> assertThat(n.get("reason").asText()).contains("not valid in UTF-8").contains("source.charset"));

        settings.put("source.charset", "ISO-8859-1");
        settings.put("sink.jdbc.url", settings.get("sink.jdbc.url").replace("jdbc:h2:mem:", "jdbc:h2:mem:latin1-"));
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeFile(dir.resolve("input"), "latin1-again.csv", latin1);
            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 2);
        }
        assertThat(Databases.count(settings.get("sink.jdbc.url"), "sa", "", "SELECT COUNT(*) FROM orders WHERE customer = 'Z\u00fcrich'")).isEqualTo(1);
    }

    @Test
    void anEmptyFileAndAHeaderOnlyFileAreDoneAtOnceWithTheShippedSourceUri() throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.uri", Setting.SOURCE_URI.defaultValue().replace("data/input", dir.resolve("input").toString()));
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeFile(dir.resolve("input"), "empty.csv", "");
            SampleData.writeFile(dir.resolve("input"), "header-only.csv", SampleData.HEADER + "\n");

            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("input/.done/empty.csv"))
                    && Files.exists(dir.resolve("input/.done/header-only.csv")));
            assertThat(pipeline.stats().recordsRead()).isZero();
        }
    }

    @Test
    void aFileStillBeingWrittenSlowlyIsTakenOnlyOnceWholeWithTheShippedSourceUri() throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.uri", Setting.SOURCE_URI.defaultValue().replace("data/input", dir.resolve("input").toString()));
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            Path file = Files.createDirectories(dir.resolve("input")).resolve("slow.csv");
            Files.writeString(file, SampleData.HEADER + "\n");
            // an ordinary slow writer: 100 rows every 500 ms for 3 s, never pausing as long as the read lock waits
            for (int step = 0; step < 6; step++) {
                StringBuilder rows = new StringBuilder();
                for (int id = step * 100 + 1; id <= step * 100 + 100; id++) {
                    rows.append(SampleData.csvLine(id)).append('\n');
                }
                Files.writeString(file, rows, StandardOpenOption.APPEND);
                Thread.sleep(500);
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("input/.done/slow.csv")));
            assertThat(pipeline.stats().recordsRead()).isEqualTo(600);
        }
        assertThat(Databases.count(settings.get("sink.jdbc.url"), "sa", "", "SELECT COUNT(*) FROM orders")).isEqualTo(600);
    }

    @Test
    void aMessageThatCannotBeReadAtAllIsOneDeadLetterNamingTheMessage() throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.uri", "direct:orders");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            pipeline.producer().sendBody("direct:orders", "");
            pipeline.producer().sendBody("direct:orders", SampleData.jsonLine(1) + "\n" + SampleData.jsonLine(2) + "\n");
            pipeline.producer().sendBody("direct:orders", SampleData.HEADER + "\n" + SampleData.csvLine(3) + "\n");

            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 1 && pipeline.stats().recordsRejected() == 2);
        }
        List<JsonNode> rejected = deadLetters();
        assertThat(rejected).extracting(n -> n.get("reason").asText())
                .containsExactly("the body is empty: send csv records",
                        "the body looks like JSON, but this pipeline reads CSV with a header line (source.format)");
        assertThat(rejected).allSatisfy(n -> assertThat(n.get("source").asText()).startsWith("direct://orders message "));
        assertThat(rejected.get(1).get("record").asText()).startsWith(SampleData.jsonLine(1));
    }

    @Test
    void malformedJsonLinesAreDeadLetteredAndTheRestLands() throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.format", "jsonl");
        String jsonl = SampleData.jsonLine(1) + "\n{\"id\": 2, broken\n[1,2]\n\n" + SampleData.jsonLine(3) + "\n";
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeFile(dir.resolve("input"), "events.jsonl", jsonl);

            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 2 && pipeline.stats().recordsRejected() == 2);
        }

        List<JsonNode> rejected = deadLetters();
        assertThat(rejected).extracting(n -> n.get("line").asLong()).containsExactly(2L, 3L);
        assertThat(rejected.get(0).get("reason").asText()).startsWith("malformed JSON");
        assertThat(rejected.get(1).get("reason").asText()).contains("expected a JSON object");
    }

    @Test
    void aValueNoConversionExpectedRejectsItsRecordAndNeverStallsTheBatch() throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.format", "jsonl");
        String jsonl = String.join("\n",
                SampleData.jsonLine(1),
                SampleData.jsonLine(2).replace("2026-01-01T00:00:00Z", "2026-01-01T00:00:00+25:00"), // an offset java.time refuses
                SampleData.jsonLine(3).replace("\"quantity\":3", "\"quantity\":0.4e00669999999999999999999999"), // an exponent BigDecimal cannot hold
                SampleData.jsonLine(4).replace("\"amount\":4.04", "\"amount\":1e100000000"),     // into NUMERIC(12,2): refused at once, not after minutes
                SampleData.jsonLine(5) + SampleData.jsonLine(6),                                  // two objects on one line
                SampleData.jsonLine(7).replace("\"note\":\"n7\"", "\"note\":\"a\",\"note\":\"b\""),     // a key given twice
                SampleData.jsonLine(8) + " \"x\"",                                                 // text after the object
                SampleData.jsonLine(9)) + "\n";
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeFile(dir.resolve("input"), "awkward.jsonl", jsonl);

            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 2 && pipeline.stats().recordsRejected() == 6);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("input/.done/awkward.jsonl")));
        }

        assertThat(Databases.count(settings.get("sink.jdbc.url"), "sa", "", "SELECT COUNT(*) FROM orders WHERE id IN (1, 9)")).isEqualTo(2);
        List<JsonNode> rejected = deadLetters();
        assertThat(rejected).extracting(n -> n.get("line").asLong()).containsExactlyInAnyOrder(2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(rejected).filteredOn(n -> n.get("line").asLong() == 2).singleElement()
                .satisfies(n -> assertThat(n.get("reason").asText()).contains("ORDERED_AT"));
        assertThat(rejected).filteredOn(n -> n.get("line").asLong() == 4).singleElement()
                .satisfies(n -> assertThat(n.get("reason").asText()).contains("AMOUNT").contains("precision"));
        assertThat(rejected).filteredOn(n -> n.get("line").asLong() == 6).singleElement()
                .satisfies(n -> assertThat(n.get("reason").asText()).containsIgnoringCase("duplicate"));
    }

    private List<JsonNode> deadLetters() throws IOException {
        return SampleData.readJsonLines(dir.resolve("deadletter/rejected.jsonl"));
    }
}
