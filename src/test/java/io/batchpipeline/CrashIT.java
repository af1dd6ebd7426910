package io.batchpipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.batchpipeline.support.Databases;
import io.batchpipeline.support.FreePort;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar killed with SIGKILL at random points of a 200k-record load, then restarted. Without the
 * durable buffer a file is read again because it is marked done only once its records are written; with it,
 * a file is done once its records are stored, and the buffer writes them after the restart.
 */
class CrashIT {

    private static final int RECORDS = 200_000;
    private static final int FILES = 20;

    @TempDir
    Path dir;

    @Test
    void upsertAfterRepeatedKillsHoldsEveryRecordExactlyOnce() throws Exception {
        Databases.recreateOrdersTable("crash_orders", true);
        loadWithKills("upsert");

        assertThat(count("SELECT COUNT(*) FROM crash_orders")).isEqualTo(RECORDS);
        assertThat(count("SELECT COUNT(DISTINCT id) FROM crash_orders")).isEqualTo(RECORDS);
    }

    @Test
    void insertAfterRepeatedKillsHoldsEveryRecordAtLeastOnce() throws Exception {
        Databases.recreateOrdersTable("crash_orders", false);
        loadWithKills("insert");

        long rows = count("SELECT COUNT(*) FROM crash_orders");
        assertThat(count("SELECT COUNT(DISTINCT id) FROM crash_orders")).isEqualTo(RECORDS);
        assertThat(rows).isGreaterThanOrEqualTo(RECORDS);
        System.out.printf("insert mode after 3 kills: %d rows for %d records, %d duplicates%n", rows, RECORDS, rows - RECORDS);
    }

    @Test
    void durableInsertAfterRepeatedKillsHoldsEveryRecordExactlyOnce() throws Exception {
        Databases.dropDurableBuffer(TestPostgres.url(), "postgres", "");
        Databases.recreateOrdersTable("crash_orders", false);
        loadWithKills("insert", "-Dbatch.durable=true");

        long rows = count("SELECT COUNT(*) FROM crash_orders");
        System.out.printf("durable insert mode after 3 kills: %d rows for %d records, %d duplicates%n", rows, RECORDS, rows - RECORDS);
        // which depends on where each kill falls: with the writers ahead of the reader, nothing stored waits to be written
        assertThat(logs()).as("the kills left stored work that later runs picked up: batches written again, or files read on"
                + " after their stored lines").containsAnyOf("left by an earlier run are written again", "were stored before; reading on from there");
        assertThat(count("SELECT COUNT(DISTINCT id) FROM crash_orders")).isEqualTo(RECORDS);
        // a batch leaves the buffer in the transaction that writes it; a file read again resumes after its stored lines
        assertThat(rows).as("no record written twice").isEqualTo(RECORDS);
        assertThat(count("SELECT COUNT(*) FROM batch_pipeline_buffer")).as("every stored batch written and released").isZero();
    }

    /**
     * The embedded default: H2 in a file, the bundled table (id is its primary key), insert mode. H2 would
     * keep commits in memory for 500 ms, where a kill loses them; the pipeline turns that off.
     */
    @Test
    void theEmbeddedDefaultAfterRepeatedKillsLosesNothing() throws Exception {
        String h2 = "jdbc:h2:file:" + dir.resolve("h2/pipeline");
        String[] embedded = {"-Dsink.jdbc.url=" + h2, "-Dsink.jdbc.username=sa", "-Dsink.jdbc.table=orders", "-Dsink.jdbc.init-script=sql/orders.sql"};
        writeFiles();
        Random random = new Random(11);
        for (int kill = 1; kill <= 3; kill++) {
            Process process = start("insert", "0", embedded);
            // H2 allows one process at a time, so the kill points are random times into the load
            Thread.sleep(1_500 + random.nextInt(2_500));
            process.destroyForcibly(); // SIGKILL
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Process last = start("insert", "3", embedded);
        assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).isZero();
        assertThat(doneFiles()).isEqualTo(20);

        long rows = Databases.count(h2, "sa", "", "SELECT COUNT(*) FROM orders");
        long distinct = Databases.count(h2, "sa", "", "SELECT COUNT(DISTINCT id) FROM orders");
        System.out.printf("H2 insert mode after 3 kills: %d rows for %d records%n", rows, RECORDS);
        assertThat(distinct).as("every record committed survived the kills").isEqualTo(RECORDS);
        assertThat(rows).isEqualTo(RECORDS);
    }

    private void writeFiles() throws Exception {
        for (int file = 0; file < FILES; file++) {
            long first = (long) file * RECORDS / FILES + 1;
            SampleData.writeCsv(dir.resolve("input"), "orders-" + file + ".csv", first, first + RECORDS / FILES - 1);
        }
    }

    /** Kills the jar three times while it loads RECORDS records from 20 files, then lets a fourth run finish. */
    private void loadWithKills(String mode, String... options) throws Exception {
        writeFiles();
        boolean durable = options.length > 0;
        Random random = new Random(7);
        for (int kill = 1; kill <= 3; kill++) {
            Process process = start(mode, "0", options);
            long before = count("SELECT COUNT(*) FROM crash_orders");
            // let it write some more, then kill it somewhere in the middle of the load
            long target = Math.min(RECORDS - 1, before + 5_000 + random.nextInt(40_000));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> count("SELECT COUNT(*) FROM crash_orders") >= target || !process.isAlive());
            process.destroyForcibly(); // SIGKILL
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (!durable) {
                long done = count("SELECT COUNT(DISTINCT id) FROM crash_orders") / (RECORDS / FILES);
                assertThat(doneFiles()).as("a file is done only once all its records are written").isLessThanOrEqualTo(done);
            }
        }
        Process last = start(mode, "3", options);
        assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).isZero();
        assertThat(doneFiles()).isEqualTo(FILES);
    }

    private String logs() throws Exception {
        StringBuilder all = new StringBuilder();
        try (var listing = Files.list(dir.resolve("logs"))) {
            for (Path log : listing.sorted().toList()) {
                all.append(Files.readString(log));
            }
        }
        return all.toString();
    }

    private long doneFiles() throws Exception {
        return SampleData.filesIn(dir.resolve("input/.done"));
    }

    private Process start(String mode, String maxIdleSeconds, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcamel.main.duration-max-idle-seconds=" + maxIdleSeconds,
                "-Dsource.uri=file:" + dir.resolve("input") + "?move=.done&moveFailed=.error",
                "-Dsink.jdbc.url=" + TestPostgres.url(),
                "-Dsink.jdbc.username=postgres",
                "-Dsink.jdbc.table=crash_orders",
                "-Dsink.jdbc.init-script=",
                "-Dsink.jdbc.mode=" + mode,
                "-Ddeadletter.uri=file:" + dir.resolve("deadletter") + "?fileName=rejected.jsonl&fileExist=Append",
                "-Dexamples.dir=" + dir.resolve("examples"),
                "-Dbatch.durable.recovery-interval=500"));
        command.addAll(List.of(options));
        command.add("-Dcamel.management.port=" + FreePort.find());
        command.addAll(List.of("-jar", Path.of("target/batch-pipeline.jar").toAbsolutePath().toString()));
        Files.createDirectories(dir.resolve("logs"));
        return new ProcessBuilder(command).directory(new File("."))
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/run-" + System.nanoTime() + ".log").toFile()).start();
    }

    private static long count(String sql) throws Exception {
        return Databases.count(TestPostgres.url(), "postgres", "", sql);
    }
}
