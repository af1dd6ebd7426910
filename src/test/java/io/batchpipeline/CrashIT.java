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
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar killed with SIGKILL at random points of a 200k-record load, then restarted: the file is
 * read again because it is marked done only once its records are written.
 */
class CrashIT {

    private static final int RECORDS = 200_000;

    @TempDir
    Path dir;

    @Test
    void upsertAfterRepeatedKillsHoldsEveryRecordExactlyOnce() throws Exception {
        Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS crash_orders",
                "CREATE TABLE crash_orders (id BIGINT PRIMARY KEY, customer VARCHAR(200) NOT NULL, amount NUMERIC(12,2),"
                        + " quantity INTEGER, ordered_at TIMESTAMPTZ, note VARCHAR(2000), paid BOOLEAN)");
        loadWithKills("upsert");

        assertThat(count("SELECT COUNT(*) FROM crash_orders")).isEqualTo(RECORDS);
        assertThat(count("SELECT COUNT(DISTINCT id) FROM crash_orders")).isEqualTo(RECORDS);
    }

    @Test
    void insertAfterRepeatedKillsHoldsEveryRecordAtLeastOnce() throws Exception {
        Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS crash_orders",
                "CREATE TABLE crash_orders (id BIGINT NOT NULL, customer VARCHAR(200) NOT NULL, amount NUMERIC(12,2),"
                        + " quantity INTEGER, ordered_at TIMESTAMPTZ, note VARCHAR(2000), paid BOOLEAN)");
        loadWithKills("insert");

        long rows = count("SELECT COUNT(*) FROM crash_orders");
        assertThat(count("SELECT COUNT(DISTINCT id) FROM crash_orders")).isEqualTo(RECORDS);
        assertThat(rows).isGreaterThanOrEqualTo(RECORDS);
        System.out.printf("insert mode after 3 kills: %d rows for %d records, %d duplicates%n", rows, RECORDS, rows - RECORDS);
    }

    private void loadWithKills(String mode) throws Exception {
        SampleData.writeCsv(dir.resolve("input"), "orders.csv", 1, RECORDS);
        Random random = new Random(7);
        for (int kill = 1; kill <= 3; kill++) {
            Process process = start(mode, "0");
            long before = count("SELECT COUNT(*) FROM crash_orders");
            // let it write some more, then kill it somewhere in the middle of the load
            long target = Math.min(RECORDS - 1, before + 5_000 + random.nextInt(40_000));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> count("SELECT COUNT(*) FROM crash_orders") >= target || !process.isAlive());
            process.destroyForcibly(); // SIGKILL
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(dir.resolve("input/orders.csv")).as("not done before all its records are written").exists();
        }
        Process last = start(mode, "3");
        assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).isZero();
        assertThat(dir.resolve("input/.done/orders.csv")).exists();
    }

    private Process start(String mode, String maxIdleSeconds) throws Exception {
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
                "-jar", Path.of("target/batch-pipeline.jar").toAbsolutePath().toString()));
        Files.createDirectories(dir.resolve("logs"));
        return new ProcessBuilder(command).directory(new File("."))
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/run-" + System.nanoTime() + ".log").toFile()).start();
    }

    private static long count(String sql) throws Exception {
        return Databases.count(TestPostgres.url(), "postgres", "", sql);
    }
}
