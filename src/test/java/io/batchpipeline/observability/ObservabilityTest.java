package io.batchpipeline.observability;

import static io.batchpipeline.support.Management.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.batchpipeline.support.Databases;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import io.batchpipeline.support.TcpProxy;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What the running application shows: Prometheus metrics that match the table, health that says why, progress lines. */
class ObservabilityTest {

    @TempDir
    Path dir;

    @Test
    void theMetricsEndpointCountsRecordsAsTheTableDoes() throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        String csv = SampleData.HEADER + "\n" + SampleData.csvLine(1) + "\n3,C,1.00\n" + SampleData.csvLine(4) + "\n"
                + "5,E,1.00,1,not-a-date,x,true\n";
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeCsv(dir.resolve("input"), "orders.csv", 10, 2509);
            SampleData.writeFile(dir.resolve("input"), "bad.csv", csv);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("input/.done/orders.csv"))
                    && Files.exists(dir.resolve("input/.done/bad.csv")));

            HttpResponse<String> metrics = pipeline.management("/observe/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            String text = metrics.body();
            long rows = Databases.count(settings.get("sink.jdbc.url"), "sa", "", "SELECT COUNT(*) FROM orders");
            assertThat(rows).isEqualTo(2502);
            assertThat(sample(text, "batch_pipeline_records_written_total{pipeline=\"default-pipeline\"}")).isEqualTo(rows);
            assertThat(sample(text, "batch_pipeline_records_read_total{pipeline=\"default-pipeline\"}")).isEqualTo(2504);
            // H2 has no COPY: every record was parsed and converted
            assertThat(sample(text, "batch_pipeline_records_passed_through_total{pipeline=\"default-pipeline\"}")).isZero();
            assertThat(sample(text, "batch_pipeline_records_rejected_total{pipeline=\"default-pipeline\",reason=\"malformed\"}")).isEqualTo(1);
            assertThat(sample(text, "batch_pipeline_records_rejected_total{pipeline=\"default-pipeline\",reason=\"conversion\"}")).isEqualTo(1);
            assertThat(sample(text, "batch_pipeline_batch_records_sum{pipeline=\"default-pipeline\"}")).isEqualTo(2504);
            assertThat(sample(text, "batch_pipeline_sink_up{pipeline=\"default-pipeline\"}")).isEqualTo(1);
            assertThat(text).contains("batch_pipeline_batch_write_seconds_count{pipeline=\"default-pipeline\"}")
                    .contains("batch_pipeline_source_wait_seconds_total{pipeline=\"default-pipeline\"}")
                    .as("the pool's own metrics").contains("hikaricp_connections_active{pool=\"pool ")
                    .as("the JVM's").contains("jvm_memory_used_bytes")
                    .as("Camel's, per route").containsPattern("camel_exchanges_total\\{[^}]*routeId=\"default-pipeline\"");

            HttpResponse<String> health = pipeline.management("/observe/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"name\":\"pipeline-default-pipeline-ready\",\"status\":\"UP\"");
        }
    }

    @Test
    void theDurableBufferDepthIsWhatItHoldsAndCamelAndThePoolAreInJmx() throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("batch.durable", "true");
        settings.put("batch.size", "100000");
        settings.put("batch.timeout", "600000");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeCsv(dir.resolve("input"), "orders.csv", 1, 2500);
            // done once stored: the batch stays open in the buffer
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("input/.done/orders.csv")));

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    sample(pipeline.management("/observe/metrics").body(), "batch_pipeline_buffer_records{pipeline=\"default-pipeline\"}") == 2500);
            assertThat(sample(pipeline.management("/observe/metrics").body(), "batch_pipeline_buffer_batches{pipeline=\"default-pipeline\"}"))
                    .isEqualTo(1);

            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            assertThat(jmx.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null)).isNotEmpty();
            assertThat(jmx.queryNames(new ObjectName("com.zaxxer.hikari:type=Pool *"), null)).isNotEmpty();
        }
    }

    @Test
    void readinessIsDownWithTheReasonWhilePostgresIsCutOffAndUpOnceItIsBack() throws Exception {
        Databases.recreateOrdersTable("orders", true);
        try (TcpProxy proxy = new TcpProxy(TestPostgres.get().getPort())) {
            Map<String, String> settings = RunningPipeline.defaults(dir);
            settings.put("sink.jdbc.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres");
            settings.put("sink.jdbc.username", "postgres");
            settings.put("sink.jdbc.init-script", "");
            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                assertThat(pipeline.management("/observe/health/ready").statusCode()).isEqualTo(200);

                proxy.cut(); // nothing is being written: the idle probe has to find it
                await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.management("/observe/health/ready").statusCode() == 503);
                String body = pipeline.management("/observe/health/ready").body();
                assertThat(body).contains("pipeline-default-pipeline-ready").contains("cannot be reached").contains("SQLSTATE 08");
                assertThat(pipeline.management("/observe/health/live").statusCode()).as("waiting is not hanging").isEqualTo(200);

                proxy.restore();
                await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.management("/observe/health/ready").statusCode() == 200);
                SampleData.writeCsv(dir.resolve("input"), "orders.csv", 1, 100);
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("input/.done/orders.csv")));
            }
        }
        assertThat(Databases.count(TestPostgres.url(), "postgres", "", "SELECT COUNT(*) FROM orders")).isEqualTo(100);
    }

    @Test
    void aProgressLineComesWhileRecordsMoveAndNoneWhileIdle() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ProgressLog.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("observability.progress-interval", "100");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeCsv(dir.resolve("input"), "orders.csv", 1, 50_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("input/.done/orders.csv")));
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.list.stream().anyMatch(l -> l.getFormattedMessage().contains("50000 written")));
            int afterLoad = lines.list.size();
            ProgressLog progress = pipeline.bean("progressLog", ProgressLog.class);
            long looks = progress.looks();
            await().atMost(Duration.ofSeconds(10)).until(() -> progress.looks() >= looks + 5); // five looks while idle

            assertThat(lines.list).isNotEmpty().allSatisfy(line -> assertThat(line.getFormattedMessage())
                    .startsWith("pipeline default-pipeline: ").contains("records/s written").contains("writers busy"));
            assertThat(lines.list).as("silent while idle").hasSize(afterLoad);
        } finally {
            logger.detachAppender(lines);
        }
    }

    @Test
    void oneSettingTurnsTheManagementPortOff() throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("camel.management.enabled", "false");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            SampleData.writeCsv(dir.resolve("input"), "orders.csv", 1, 10);
            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 10);

            assertThat(catchThrowable(() -> pipeline.management("/observe/metrics"))).isInstanceOf(ConnectException.class);
        }
    }
}
