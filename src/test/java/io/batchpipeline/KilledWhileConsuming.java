package io.batchpipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.batchpipeline.support.Databases;
import io.batchpipeline.support.Processes;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar reading one JSON record per message from a bus into PostgreSQL, killed with SIGKILL three times while it
 * consumes, then run to the end and stopped: a message is acknowledged only once its record is written (in memory) or
 * stored (durable), so every record is there and nothing is left on the bus. Each bus's test says how to send, read
 * and look at what is left.
 */
abstract class KilledWhileConsuming {

    @TempDir
    Path dir;

    /** The topic's or queue's name. */
    protected final String name = "orders-it-" + System.nanoTime();
    private final String table = name.replace('-', '_');
    private final Processes processes = new Processes();

    /** Sends {@code total} messages of one record each, ids 1 to {@code total}. */
    protected abstract void send(int total) throws Exception;

    /** The -D options that make the jar read them. */
    protected abstract List<String> sourceOptions();

    /** Messages not acknowledged, or offsets not committed. */
    protected abstract long leftOnTheBus() throws Exception;

    @AfterEach
    void cleanUp() throws Exception {
        processes.close();
        Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS " + table);
    }

    /** @param step each kill comes once between {@code step} and twice that many more records are there */
    protected void killThreeTimesThenRunToTheEnd(String bus, boolean durable, int total, int step) throws Exception {
        Databases.dropDurableBuffer(TestPostgres.url(), "postgres", "");
        Databases.recreateOrdersTable(table, false);
        send(total);

        Process last = Processes.killThreeTimes(start(durable), () -> start(durable), () -> count("SELECT COUNT(DISTINCT id)"),
                total, step, new Random(7));
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> count("SELECT COUNT(DISTINCT id)") == total && leftOnTheBus() == 0);
        last.destroy(); // SIGTERM
        assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).isEqualTo(Processes.SIGTERM_EXIT);

        long rows = count("SELECT COUNT(*)");
        System.out.printf("%s, %s after 3 kills: %d rows for %d records, %d duplicates%n", bus, durable ? "durable" : "in memory",
                rows, total, rows - total);
        assertThat(count("SELECT COUNT(DISTINCT id)")).as("every record").isEqualTo(total);
        assertThat(leftOnTheBus()).as("every message acknowledged").isZero();
        if (durable) {
            assertThat(Databases.count(TestPostgres.url(), "postgres", "", "SELECT COUNT(*) FROM batch_pipeline_buffer"))
                    .as("every stored batch written and released").isZero();
        }
    }

    private Process start(boolean durable) throws Exception {
        return processes.start(Processes.jar(dir, table, durable, sourceOptions()), dir.resolve("logs/run-" + System.nanoTime() + ".log"));
    }

    private long count(String select) throws Exception {
        return Databases.count(TestPostgres.url(), "postgres", "", select + " FROM " + table);
    }
}
