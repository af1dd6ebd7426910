package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file sink: one complete file per batch, nothing lost, names unique and in time order. */
class FileSinkPipelineTest {

    @TempDir
    Path dir;

    @Test
    void csvFilesAreCompleteAndHoldEveryInputRecord() throws Exception {
        run("csv");

        List<Path> files = batchFiles();
        long records = 0;
        for (Path file : files) {
            try (CSVParser parser = CSVParser.parse(file, java.nio.charset.StandardCharsets.UTF_8,
                    CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
                assertThat(parser.getHeaderNames()).containsExactly(SampleData.HEADER.split(","));
                records += parser.getRecords().size();
            }
        }
        assertThat(records).isEqualTo(2500);
        assertThat(files).hasSize(9); // 8 full batches of 300 and the remainder of 100
    }

    @Test
    void csvRecordsPassedThroughUnparsedReadBackAsTheParsedAndPrintedOnes() throws Exception {
        String awkward = "id,name,note\n1,\"O'Brien, Pat\",\"two\nlines\"\n2,a\"b\"c,\"\"\"quoted\"\"\"\n3,Zoë 🚀,\n4,too,many,fields\n";
        List<Map<String, String>> passed = csvRecords(loadToCsvFiles("passed", true, awkward));
        List<Map<String, String>> printed = csvRecords(loadToCsvFiles("printed", false, awkward));

        assertThat(passed).hasSize(10_003).isEqualTo(printed);
        assertThat(passed).anyMatch(r -> r.values().containsAll(List.of("O'Brien, Pat", "two\nlines")))
                .anyMatch(r -> r.values().containsAll(List.of("a\"b\"c", "\"quoted\""))).anyMatch(r -> r.containsValue("Zoë 🚀"));
    }

    /** Loads the shipped sample and the given CSV into CSV batch files; returns the output folder. */
    private Path loadToCsvFiles(String name, boolean passThrough, String csv) throws Exception {
        Path run = dir.resolve(name);
        Map<String, String> settings = RunningPipeline.defaults(run);
        settings.put("sink.type", "file");
        settings.put("sink.pass-through", Boolean.toString(passThrough));
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.copyInto(run.resolve("input"), Path.of("samples/orders.csv"));
            SampleData.writeFile(run.resolve("input"), "awkward.csv", csv);
            await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().rowsWritten() == 10_003 && pipeline.stats().recordsRejected() == 1);
            // a batch holding one record CSV readers may read apart (a"b"c, a wrong field count) is printed whole
            assertThat(pipeline.stats().rowsPassedThrough()).isBetween(passThrough ? 8_000L : 0L, passThrough ? 10_000L : 0L);
        }
        return run.resolve("output");
    }

    /**
     * Every record of every CSV file in the folder, as its non-empty fields by column name, sorted. A batch may hold
     * records of both files, printed under the union of their headers with the other file's columns empty; which
     * records share a batch depends on timing, so the padding is left out of the comparison.
     */
    private static List<Map<String, String>> csvRecords(Path folder) throws IOException {
        List<Map<String, String>> records = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                try (CSVParser parser = CSVParser.parse(file, java.nio.charset.StandardCharsets.UTF_8,
                        CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
                    parser.forEach(record -> {
                        Map<String, String> fields = new java.util.TreeMap<>(record.toMap());
                        fields.values().removeIf(String::isEmpty);
                        records.add(fields);
                    });
                }
            }
        }
        records.sort(java.util.Comparator.comparing(Object::toString));
        return records;
    }

    @Test
    void ndjsonFilesAreCompleteAndHoldEveryInputRecord() throws Exception {
        run("ndjson");

        ObjectMapper mapper = new ObjectMapper();
        long records = 0;
        for (Path file : batchFiles()) {
            for (String line : Files.readAllLines(file)) {
                assertThat(mapper.readTree(line).get("id").asText()).isNotEmpty();
                records++;
            }
        }
        assertThat(records).isEqualTo(2500);
    }

    @Test
    void jsonLinesReachNdjsonFilesWithTheirNumbersAsWritten() throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.format", "jsonl");
        settings.put("sink.type", "file");
        settings.put("sink.file.format", "ndjson");
        // a byte order mark before the first line, as some editors write
        String jsonl = "\uFEFF{\"id\":1,\"amount\":100.0}\n{\"id\":2,\"amount\":1.50}\n{\"id\":3,\"amount\":0.000}\n"
                + "{\"id\":4,\"amount\":-0}\n{\"id\":5,\"amount\":-0.0}\n{\"id\":6,\"amount\":1e2}\n{\"id\":7,\"amount\":2.5E-3}\n"
                + "{\"id\":8,\"amount\":123456789012345678901234567890}\n{\"id\":9,\"tags\":[1.0e2, {\"a\": -0}]}\n";
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeFile(dir.resolve("input"), "numbers.jsonl", jsonl);
            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 9);
        }

        List<String> lines = new java.util.ArrayList<>();
        for (Path file : batchFiles()) {
            lines.addAll(Files.readAllLines(file));
        }
        assertThat(lines).containsExactly("{\"id\":1,\"amount\":100.0}", "{\"id\":2,\"amount\":1.50}", "{\"id\":3,\"amount\":0.000}",
                "{\"id\":4,\"amount\":-0}", "{\"id\":5,\"amount\":-0.0}", "{\"id\":6,\"amount\":1e2}", "{\"id\":7,\"amount\":2.5E-3}",
                "{\"id\":8,\"amount\":123456789012345678901234567890}", "{\"id\":9,\"tags\":[1.0e2, {\"a\": -0}]}");
    }

    @Test
    void temporaryFilesOfAProcessThatDiedAreDeletedAtStartAndThoseOfALiveWriterKept() throws Exception {
        Path output = Files.createDirectories(dir.resolve("output"));
        Path abandoned = Files.writeString(output.resolve(".batch-20261129T120000.000Z-000000007-0dead0ff.csv.tmp"), "id,cust");
        Path live = Files.writeString(output.resolve(".batch-20261129T120000.000Z-000000008-11ve11ve.csv.tmp"), "id,cust");
        Path unrelated = Files.writeString(output.resolve(".notes.tmp"), "not a batch file");
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("sink.type", "file");
        try (FileChannel channel = FileChannel.open(live, StandardOpenOption.WRITE); FileLock writing = channel.lock();
             RunningPipeline pipeline = RunningPipeline.start(settings)) {
            assertThat(abandoned).as("its writer is gone: nobody holds its lock").doesNotExist();
            assertThat(live).as("its writer holds its lock").exists();
            assertThat(unrelated).exists();
        }
    }

    private void run(String format) throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("sink.type", "file");
        settings.put("sink.file.format", format);
        settings.put("batch.size", "300");
        settings.put("batch.timeout", "200");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeCsv(dir.resolve("input"), "orders.csv", 1, 2500);
            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 2500);
        }
        try (Stream<Path> all = Files.list(dir.resolve("output"))) {
            assertThat(all.map(p -> p.getFileName().toString())).as("no temporary file is left behind").noneMatch(n -> n.startsWith("."));
        }
    }

    /** Batch files in name order; their sequence numbers must then be strictly increasing (names sort in write order). */
    private List<Path> batchFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> all = Files.list(dir.resolve("output"))) {
            files = all.sorted().toList();
        }
        long previous = 0;
        for (Path file : files) {
            long sequence = Long.parseLong(file.getFileName().toString().split("-")[2]);
            assertThat(sequence).as("sequence in " + file.getFileName()).isGreaterThan(previous);
            previous = sequence;
        }
        return files;
    }
}
