package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import io.batchpipeline.support.Databases;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TcpProxy;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several instances of the pipeline on one folder and one database, and what order upserts keep. */
class InstancesTest {

    private static final int FILES = 16;
    private static final int PER_FILE = 2_500;

    @TempDir
    Path dir;

    @BeforeEach
    void createTables() throws Exception {
        Databases.dropDurableBuffer(url(), "postgres", "");
        Databases.execute(url(), "postgres", "", "DROP TABLE IF EXISTS batch_pipeline_file_claims");
        Databases.recreateOrdersTable("orders", false); // no key: a file loaded twice shows as extra rows
    }

    @Test
    void twoInstancesOnOneFolderLoadEveryFileOnce() throws Exception {
        try (RunningPipeline first = RunningPipeline.start(instance("first"));
             RunningPipeline second = RunningPipeline.start(instance("second"))) {
            for (int file = 0; file < FILES; file++) {
                SampleData.writeCsv(dir.resolve("shared"), "orders-" + file + ".csv", (long) file * PER_FILE + 1, (long) (file + 1) * PER_FILE);
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> SampleData.filesIn(dir.resolve("shared/.done")) == FILES
                    && first.stats().rowsWritten() + second.stats().rowsWritten() >= FILES * PER_FILE);
            assertThat(first.stats().rowsWritten() + second.stats().rowsWritten()).isEqualTo(FILES * PER_FILE);
        }
        assertThat(count("SELECT COUNT(*) FROM orders")).isEqualTo(FILES * PER_FILE);
        assertThat(count("SELECT COUNT(DISTINCT id) FROM orders")).isEqualTo(FILES * PER_FILE);
        assertThat(count("SELECT COUNT(*) FROM batch_pipeline_file_claims")).as("every claim given back").isZero();
    }

    @Test
    void withAVersionColumnEveryKeyEndsWithItsLastValueThoughBatchesAreWrittenInParallelAndRetried() throws Exception {
        Databases.execute(url(), "postgres", "", "DROP TABLE IF EXISTS latest",
                "CREATE TABLE latest (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, customer VARCHAR(100) NOT NULL)");
        try (TcpProxy proxy = new TcpProxy(TestPostgres.get().getPort())) {
            Map<String, String> settings = RunningPipeline.defaults(dir);
            settings.put("source.uri", "direct:updates");
            settings.put("sink.jdbc.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres");
            settings.put("sink.jdbc.username", "postgres");
            settings.put("sink.jdbc.init-script", "");
            settings.put("sink.jdbc.table", "latest");
            settings.put("sink.jdbc.mode", "upsert");
            settings.put("sink.jdbc.version-column", "seq");
            settings.put("batch.size", "100");
            settings.put("batch.writers", "4");
            settings.put("sink.retry.initial-delay", "20");
            settings.put("sink.retry.max-delay", "100");
            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                proxy.cut(); // the first batches fail and are retried, each on its own schedule
                // 50 keys updated 400 times each, in messages sent at once: seq, the version, says which update is last
                for (int message = 0; message < 40; message++) {
                    long from = message * 500L + 1;
                    pipeline.producer().asyncSendBody("direct:updates", "id,seq,customer\n" + LongStream.range(from, from + 500)
                            .mapToObj(seq -> (seq % 50) + "," + seq + ",c" + seq).collect(Collectors.joining("\n")));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().recordsRead() >= 800); // the hand-off is full
                proxy.restore();
                await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.stats().rowsWritten() == 20_000);
                assertThat(pipeline.stats().rowsFailed()).isZero();
            }
        }
        assertThat(count("SELECT COUNT(*) FROM latest")).isEqualTo(50);
        assertThat(count("SELECT COUNT(*) FROM latest WHERE seq = 19950 + id OR (id = 0 AND seq = 20000)"))
                .as("every key holds its last update").isEqualTo(50);
        assertThat(count("SELECT COUNT(*) FROM latest WHERE customer <> 'c' || seq")).isZero();
    }

    private Map<String, String> instance(String name) {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("camel.main.name", name); // two CamelContexts in one JVM
        settings.put("source.uri", "file:" + dir.resolve("shared") + "?move=.done&moveFailed=.error&initialDelay=0&delay=50"
                + "&readLockCheckInterval=100&readLockMinAge=100");
        settings.put("source.shared-folder", "true");
        settings.put("instance.name", name);
        settings.put("sink.jdbc.url", url());
        settings.put("sink.jdbc.username", "postgres");
        settings.put("sink.jdbc.init-script", "");
        settings.put("batch.size", "500");
        settings.put("batch.timeout", "200");
        return settings;
    }

    private static long count(String sql) throws Exception {
        return Databases.count(url(), "postgres", "", sql);
    }

    private static String url() {
        return TestPostgres.url();
    }
}
