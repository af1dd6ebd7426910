package io.batchpipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.batchpipeline.support.Databases;
import io.batchpipeline.support.FreePort;
import io.batchpipeline.support.Processes;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three JVMs of the packaged jar on one shared folder and one PostgreSQL table without a key. Mid-load one is
 * killed with SIGKILL and restarted later, another is stopped with SIGTERM; the third runs throughout. The files
 * and buffered batches of the stopped ones are taken over by the others.
 */
class InstancesIT {

    private static final int FILES = 30;
    private static final int PER_FILE = 4_000;
    private static final int RECORDS = FILES * PER_FILE;

    @TempDir
    Path dir;

    private final Processes processes = new Processes();

    @AfterEach
    void killWhatIsLeft() {
        processes.close();
    }

    @BeforeEach
    void createTables() throws Exception {
        Databases.dropDurableBuffer(TestPostgres.url(), "postgres", "");
        Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS batch_pipeline_file_claims");
        Databases.recreateOrdersTable("instances_orders", false);
    }

    @Test
    void withTheDurableBufferEveryRecordIsWrittenExactlyOnce() throws Exception {
        loadWithAKillAndAStop("-Dbatch.durable=true");

        assertThat(count("SELECT COUNT(DISTINCT id) FROM instances_orders")).isEqualTo(RECORDS);
        assertThat(count("SELECT COUNT(*) FROM instances_orders")).as("exactly once").isEqualTo(RECORDS);
        assertThat(count("SELECT COUNT(*) FROM batch_pipeline_buffer")).as("every stored batch written and released").isZero();
    }

    @Test
    void withoutItNoRecordIsMissing() throws Exception {
        loadWithAKillAndAStop();

        long rows = count("SELECT COUNT(*) FROM instances_orders");
        assertThat(count("SELECT COUNT(DISTINCT id) FROM instances_orders")).isEqualTo(RECORDS);
        // what the killed instance had written of the files it held is written again by the instance that takes them
        System.out.printf("three instances, one killed and one stopped, without the durable buffer: %d rows for %d records%n", rows, RECORDS);
    }

    private void loadWithAKillAndAStop(String... options) throws Exception {
        for (int file = 0; file < FILES; file++) {
            SampleData.writeCsv(dir.resolve("shared"), "orders-" + file + ".csv", (long) file * PER_FILE + 1, (long) (file + 1) * PER_FILE);
        }
        Process killed = start("i1", options);
        Process stopped = start("i2", options);
        Process survivor = start("i3", options);

        awaitRows(RECORDS / 5);
        killed.destroyForcibly(); // SIGKILL: its claims and batches stay behind until its lease lapses
        assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
        awaitRows(RECORDS / 2);
        stopped.destroy(); // SIGTERM: it finishes or gives back what it holds
        assertThat(stopped.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(stopped.exitValue()).as("the JVM's exit code after SIGTERM").isEqualTo(Processes.SIGTERM_EXIT);
        Process restarted = start("i1", options);

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> SampleData.filesIn(dir.resolve("shared/.done")) == FILES && count("SELECT COUNT(DISTINCT id) FROM instances_orders") == RECORDS);
        for (Process process : List.of(survivor, restarted)) {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(Processes.SIGTERM_EXIT);
        }
        assertThat(Files.exists(dir.resolve("shared/.error"))).as("no file failed").isFalse();
        String logs = logs();
        System.out.printf("taken over: %d files, %d times stored chunks%n", occurrences(logs, "was claimed by an instance that stopped renewing"),
                occurrences(logs, "or by an instance whose lease lapsed, are written again"));
    }

    private String logs() throws Exception {
        StringBuilder all = new StringBuilder();
        try (var listing = Files.list(dir.resolve("logs"))) {
            for (Path log : listing.toList()) {
                all.append(Files.readString(log));
            }
        }
        return all.toString();
    }

    private static long occurrences(String text, String phrase) {
        return text.lines().filter(line -> line.contains(phrase)).count();
    }

    private void awaitRows(long rows) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> count("SELECT COUNT(*) FROM instances_orders") >= rows);
    }

    private Process start(String name, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dinstance.name=" + name,
                "-Dinstance.lease=3000",
                "-Dsource.uri=file:" + dir.resolve("shared") + "?move=.done&moveFailed=.error&readLockCheckInterval=200&readLockMinAge=200",
                "-Dsource.shared-folder=true",
                "-Dsink.jdbc.url=" + TestPostgres.url(),
                "-Dsink.jdbc.username=postgres",
                "-Dsink.jdbc.table=instances_orders",
                "-Dsink.jdbc.init-script=",
                "-Dbatch.size=500",
                "-Dbatch.durable.recovery-interval=500",
                "-Ddeadletter.uri=file:" + dir.resolve("deadletter-" + name) + "?fileName=rejected.jsonl&fileExist=Append",
                "-Dexamples.dir=" + dir.resolve("examples-" + name),
                "-Dcamel.management.port=" + FreePort.find()));
        command.addAll(List.of(options));
        command.addAll(List.of("-jar", Path.of("target/batch-pipeline.jar").toAbsolutePath().toString()));
        Files.createDirectories(dir.resolve("logs"));
        return processes.start(new ProcessBuilder(command).directory(new File("."))
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/" + name + "-" + System.nanoTime() + ".log").toFile()));
    }

    private static long count(String sql) throws Exception {
        return Databases.count(TestPostgres.url(), "postgres", "", sql);
    }
}
