package io.batchpipeline;

import static io.batchpipeline.support.Management.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.batchpipeline.support.Databases;
import io.batchpipeline.support.FreePort;
import io.batchpipeline.support.Management;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TcpProxy;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, started as a separate process the way the README runs it. */
class JarIT {

    @TempDir
    Path dir;

    private final int managementPort = FreePort.find();

    @Test
    void runOnceDrainsTheShippedSampleIntoH2AndPrintsTheSummary() throws Exception {
        SampleData.copyInto(dir.resolve("input"), Path.of("samples/orders.csv"));

        // -Xshare:on: the JVM refuses to start unless it can use the class-data archive the build made; only a JDK
        // without a base archive of its own makes none, and the build's trial run says so
        boolean archived = Files.exists(Path.of("target/batch-pipeline.jsa"));
        if (!archived) {
            assertThat(Files.readString(Path.of("target/cds/run.log"))).contains("base CDS archive is not loaded");
        }
        Process process = start("-Dcamel.main.duration-max-idle-seconds=3", archived ? "-Xshare:on" : "-Xshare:auto");

        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("exits once the input is drained").isTrue();
        String log = Files.readString(dir.resolve("stdout.log"));
        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log).contains("Summary: pipeline default-pipeline: 10000 records read, 10000 rows written in 10 batches (size 10, timeout 0, stop 0, recovered 0), 0 records rejected");
        assertThat(rowsInH2()).isEqualTo(10_000);
    }

    @Test
    void sigtermFlushesTheOpenBatchBeforeExiting() throws Exception {
        Process process = start("-Dbatch.size=100000", "-Dbatch.timeout=600000");
        SampleData.copyInto(dir.resolve("input"), Path.of("samples/orders.csv"));
        // every record has been read and handed to the aggregator, where they now wait for the batch to close
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(dir.resolve("stdout.log")).contains("orders.csv: read to the end"));
        assertThat(dir.resolve("input/orders.csv")).as("not done before its records are written").exists();

        process.destroy(); // SIGTERM

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(dir.resolve("stdout.log"));
        assertThat(log).contains("10000 rows written in 1 batches (size 0, timeout 0, stop 1, recovered 0)");
        assertThat(rowsInH2()).isEqualTo(10_000);
        assertThat(dir.resolve("input/.done/orders.csv")).exists();
    }

    @Test
    void theMetricsEndpointFollowsALoadAndEndsAtTheRowsInTheTable() throws Exception {
        Databases.recreateOrdersTable("jar_metrics_orders", true);
        SampleData.writeCsv(dir.resolve("staging"), "orders.csv", 1, 300_000);
        Process process = start("-Dsink.jdbc.url=" + TestPostgres.url(), "-Dsink.jdbc.username=postgres",
                "-Dsink.jdbc.table=jar_metrics_orders", "-Dsink.jdbc.init-script=", "-Dobservability.progress-interval=500");
        await().atMost(Duration.ofSeconds(60)).until(() -> status("/observe/health/ready") == 200);
        Files.move(dir.resolve("staging/orders.csv"), Files.createDirectories(dir.resolve("input")).resolve("orders.csv"));

        // scraped while the load runs: counters only grow, and never count more than the table holds
        long lastWritten = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (lastWritten < 300_000) {
            assertThat(System.nanoTime()).as("the load ends in time").isLessThan(deadline);
            long rowsBefore = count("SELECT COUNT(*) FROM jar_metrics_orders");
            String metrics = scrape();
            long written = sample(metrics, "batch_pipeline_records_written_total{pipeline=\"default-pipeline\"}");
            assertThat(written).isGreaterThanOrEqualTo(lastWritten).isGreaterThanOrEqualTo(rowsBefore)
                    .isLessThanOrEqualTo(sample(metrics, "batch_pipeline_records_read_total{pipeline=\"default-pipeline\"}"));
            lastWritten = written;
            assertThat(process.isAlive()).isTrue();
        }

        assertThat(count("SELECT COUNT(*) FROM jar_metrics_orders")).isEqualTo(300_000);
        String metrics = scrape();
        assertThat(sample(metrics, "batch_pipeline_batches_total{pipeline=\"default-pipeline\",reason=\"size\"}")).isEqualTo(300);
        assertThat(metrics).contains("hikaricp_connections_active").contains("batch_pipeline_batch_write_seconds_bucket");
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(dir.resolve("stdout.log"))).contains("pipeline default-pipeline: ").contains("records/s written");
    }

    private int status(String path) {
        try {
            return http(path).statusCode();
        } catch (Exception e) {
            return -1; // not listening yet
        }
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = http("/observe/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> http(String path) throws Exception {
        return Management.get(managementPort, path);
    }

    @Test
    void sigtermDuringADatabaseOutageKeepsTheDurableBufferForTheNextStart() throws Exception {
        Databases.dropDurableBuffer(TestPostgres.url(), "postgres", "");
        Databases.recreateOrdersTable("jar_orders", false);
        try (TcpProxy proxy = new TcpProxy(TestPostgres.get().getPort())) {
            // trust authentication ignores the password; it is there to show it never reaches the log
            String[] durable = {"-Dsink.jdbc.url=jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres?password=hunter2",
                    "-Dsink.jdbc.username=postgres", "-Dsink.jdbc.table=jar_orders", "-Dsink.jdbc.init-script=", "-Dbatch.durable=true",
                    "-Dbatch.durable.recovery-interval=500", "-Dsink.retry.max-attempts=1000", "-Dsink.retry.max-delay=500"};
            Process process = start(with(durable, "-Dbatch.size=100000", "-Dbatch.timeout=600000", "-Dcamel.main.shutdown-timeout=5"));
            SampleData.copyInto(dir.resolve("input"), Path.of("samples/orders.csv"));
            // done once its records are stored, though the batch is still open
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("input/.done/orders.csv")));

            proxy.cut();
            process.destroy(); // SIGTERM: the flushed batch cannot be written before the shutdown timeout

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            proxy.restore();
            assertThat(count("SELECT COUNT(*) FROM jar_orders")).isZero();
            assertThat(count("SELECT COUNT(*) FROM batch_pipeline_buffer")).as("the records are still stored").isPositive();
            String firstRun = Files.readString(dir.resolve("stdout.log"));

            Process next = start(with(durable, "-Dcamel.main.duration-max-idle-seconds=3"));
            assertThat(next.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(dir.resolve("stdout.log"))).contains("10000 rows written in 1 batches (size 0, timeout 0, stop 0, recovered 1)");
            assertThat(count("SELECT COUNT(*) FROM jar_orders")).isEqualTo(10_000);
            assertThat(count("SELECT COUNT(*) FROM batch_pipeline_buffer")).isZero();
            assertThat(firstRun + Files.readString(dir.resolve("stdout.log")) + Files.readString(dir.resolve("stderr.log")))
                    .contains("sink.jdbc.url = xxxxxx").doesNotContain("hunter2");
        }
    }

    @Test
    void sigtermWhileWritesAreRetryingLeavesTheReadFileInTheInputFolderForTheNextStart() throws Exception {
        Databases.recreateOrdersTable("jar_retry_orders", true);
        try (TcpProxy proxy = new TcpProxy(TestPostgres.get().getPort())) {
            String[] postgres = {"-Dsink.jdbc.url=jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres", "-Dsink.jdbc.username=postgres",
                    "-Dsink.jdbc.table=jar_retry_orders", "-Dsink.jdbc.init-script=", "-Dsink.jdbc.mode=upsert",
                    "-Dsink.retry.max-delay=500"};
            Process process = start(with(postgres, "-Dbatch.size=100000", "-Dbatch.timeout=600000", "-Dcamel.main.shutdown-timeout=5"));
            SampleData.copyInto(dir.resolve("input"), Path.of("samples/orders.csv"));
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(dir.resolve("stdout.log")).contains("orders.csv: read to the end"));

            proxy.cut();
            process.destroy(); // SIGTERM: the flushed batch meets the outage and is retried until the stop times out

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(dir.resolve("stdout.log"))).contains("0 rows written in 0 batches");
            assertThat(dir.resolve("input/orders.csv")).as("kept for the next start").exists();
            assertThat(dir.resolve("input/.error/orders.csv")).doesNotExist();
            proxy.restore();

            Process next = start(with(postgres, "-Dcamel.main.duration-max-idle-seconds=3"));
            assertThat(next.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(count("SELECT COUNT(*) FROM jar_retry_orders")).isEqualTo(10_000);
            assertThat(dir.resolve("input/.done/orders.csv")).exists();
        }
    }

    @Test
    void anInvalidSettingExitsNonZeroWithOneLineNamingIt() throws Exception {
        Process process = start("-Dbatch.size=0");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(BatchPipelineApplication.EXIT_INVALID_CONFIGURATION);
        assertThat(Files.readAllLines(dir.resolve("stderr.log")))
                .containsExactly("batch-pipeline: invalid configuration: batch.size: must be between 1 and 2147483647, was 0");
    }

    @Test
    void anInvalidCamelMainSettingExitsNamingItAndReportsNoSignal() throws Exception {
        Process process = start("-Dcamel.main.duration-max-idle-seconds=abc");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(BatchPipelineApplication.EXIT_INVALID_CONFIGURATION);
        assertThat(Files.readString(dir.resolve("stderr.log"))).contains("camel.main.duration-max-idle-seconds: 'abc' is not a whole number");
        assertThat(Files.readString(dir.resolve("stdout.log"))).as("nothing ran, and no signal came").doesNotContain("SIGTERM");
    }

    @Test
    void settingsComeFromEnvironmentVariablesToo() throws Exception {
        Process process = start(Map.of("SINK_TYPE", "kafka"));

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(BatchPipelineApplication.EXIT_INVALID_CONFIGURATION);
        assertThat(Files.readString(dir.resolve("stderr.log"))).contains("sink.type: unknown value 'kafka'");
    }

    private Process start(String... options) throws Exception {
        return start(Map.of(), options);
    }

    /**
     * java -XX:SharedArchiveFile=target/batch-pipeline.jsa -jar target/batch-pipeline.jar from the project folder, with
     * data folders moved into the test's own.
     */
    private Process start(Map<String, String> environment, String... options) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:SharedArchiveFile=" + Path.of("target/batch-pipeline.jsa").toAbsolutePath());
        command.add("-Dsource.uri=file:" + dir.resolve("input") + "?move=.done&moveFailed=.error&readLock=changed&readLockCheckInterval=100");
        command.add("-Dsink.jdbc.url=" + h2Url());
        command.add("-Ddeadletter.uri=file:" + dir.resolve("deadletter") + "?fileName=rejected.jsonl&fileExist=Append");
        command.add("-Dexamples.dir=" + dir.resolve("examples"));
        command.add("-Dcamel.management.port=" + managementPort);
        command.addAll(List.of(options));
        command.add("-jar");
        command.add(Path.of("target/batch-pipeline.jar").toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        return builder
                .directory(new File("."))
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(dir.resolve("stderr.log").toFile())
                .start();
    }

    private static String[] with(String[] options, String... more) {
        return Stream.concat(Arrays.stream(options), Arrays.stream(more)).toArray(String[]::new);
    }

    private static long count(String sql) throws Exception {
        return Databases.count(TestPostgres.url(), "postgres", "", sql);
    }

    private String h2Url() {
        return "jdbc:h2:file:" + dir.resolve("h2/pipeline");
    }

    private long rowsInH2() throws Exception {
        return Databases.count(h2Url(), "sa", "", "SELECT COUNT(*) FROM orders");
    }

}
