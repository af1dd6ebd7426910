package io.batchpipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.batchpipeline.support.Databases;
import io.batchpipeline.support.FreePort;
import io.batchpipeline.support.Processes;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TestArtemis;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The jar reading one JSON record per message from a JMS queue (an Artemis broker started in this JVM), killed with
 * SIGKILL three times while it consumes, then run to the end and stopped: a message is acknowledged only once its record
 * is written (in memory) or stored (durable), so every record is there and the queue is empty.
 */
class JmsIT {

    private static final int MESSAGES = 6_000;

    @TempDir
    Path dir;

    private final Processes processes = new Processes();
    private final String queue = "orders-it-" + System.nanoTime();
    private final String table = queue.replace('-', '_');

    @AfterEach
    void cleanUp() throws Exception {
        processes.close();
        Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS " + table);
    }

    @ParameterizedTest(name = "batch.durable={0}")
    @ValueSource(booleans = {true, false})
    void afterRepeatedKillsEveryRecordIsThereAndTheQueueIsEmpty(boolean durable) throws Exception {
        Databases.dropDurableBuffer(TestPostgres.url(), "postgres", "");
        Databases.recreateOrdersTable(table, false);
        TestArtemis.send(queue, 1, MESSAGES, SampleData::jsonLine);

        Random random = new Random(5);
        for (int kill = 1; kill <= 3; kill++) {
            Process process = start(durable);
            long target = Math.min(MESSAGES - 1, count("SELECT COUNT(DISTINCT id) FROM " + table) + 500 + random.nextInt(1_000));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                    .until(() -> count("SELECT COUNT(DISTINCT id) FROM " + table) >= target || !process.isAlive());
            process.destroyForcibly(); // SIGKILL
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Process last = start(durable);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> count("SELECT COUNT(DISTINCT id) FROM " + table) == MESSAGES && TestArtemis.messageCount(queue) == 0);
        last.destroy(); // SIGTERM
        assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).isEqualTo(Processes.SIGTERM_EXIT);

        long rows = count("SELECT COUNT(*) FROM " + table);
        System.out.printf("JMS, %s after 3 kills: %d rows for %d records, %d duplicates%n",
                durable ? "durable" : "in memory", rows, MESSAGES, rows - MESSAGES);
        assertThat(count("SELECT COUNT(DISTINCT id) FROM " + table)).as("every record").isEqualTo(MESSAGES);
        assertThat(TestArtemis.messageCount(queue)).as("every message acknowledged").isZero();
        if (durable) {
            assertThat(count("SELECT COUNT(*) FROM batch_pipeline_buffer")).as("every stored batch written and released").isZero();
        }
    }

    /** The docs' recipe: the connection factory is a bean, given to the component by its own property. */
    private Process start(boolean durable) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dsource.uri=jms:queue:" + queue,
                "-Dsource.format=jsonl",
                "-Dcamel.beans.artemis=#class:org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory",
                "-Dcamel.beans.artemis.brokerURL=" + TestArtemis.url(),
                "-Dcamel.component.jms.connection-factory=#bean:artemis",
                "-Dcamel.management.port=" + FreePort.find(),
                "-Dsink.jdbc.url=" + TestPostgres.url(),
                "-Dsink.jdbc.username=postgres",
                "-Dsink.jdbc.table=" + table,
                "-Dsink.jdbc.init-script=",
                "-Dbatch.durable=" + durable,
                "-Dbatch.durable.recovery-interval=500",
                "-Ddeadletter.uri=file:" + dir.resolve("deadletter") + "?fileName=rejected.jsonl&fileExist=Append",
                "-Dexamples.dir=" + dir.resolve("examples"),
                "-jar", Path.of("target/batch-pipeline.jar").toAbsolutePath().toString());
        Files.createDirectories(dir.resolve("logs"));
        Path log = dir.resolve("logs/run-" + System.nanoTime() + ".log");
        return processes.start(new ProcessBuilder(command).directory(new File(".")).redirectErrorStream(true).redirectOutput(log.toFile()));
    }

    private static long count(String sql) throws Exception {
        return Databases.count(TestPostgres.url(), "postgres", "", sql);
    }
}
