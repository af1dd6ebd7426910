package io.batchpipeline.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import io.batchpipeline.observability.PipelineStats;
import io.batchpipeline.support.GateSink;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Completed batches go to several writers at once, and a full hand-off holds the source back. */
class WritersTest {

    @TempDir
    Path dir;

    @Test
    void fourWritersWriteConcurrentlyAndAFullHandOffMakesTheSourceWait() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start(RunningPipeline.gated(dir))) {
            GateSink sink = pipeline.bean("gateSink", GateSink.class);
            WriterPool writers = pipeline.writers("gated-pipeline");
            PipelineStats stats = pipeline.stats("gated-pipeline");

            SampleData.writeCsv(dir.resolve("gated"), "orders.csv", 1, 5000);

            // every writer is inside the sink and the source thread is parked waiting for room in the hand-off
            await().atMost(Duration.ofSeconds(30)).until(() -> writers.busyWriters() == 4 && writers.waitingSubmitters() == 1);
            assertThat(sink.maxInside()).as("batches in flight at once").isEqualTo(4);
            // 4 batches being written + 2 queued + 1 being completed + 1 open batch, of 10 records each
            assertThat(stats.recordsRead()).as("records read while the sink is stalled").isLessThanOrEqualTo(80).isGreaterThanOrEqualTo(70);

            sink.open();

            await().atMost(Duration.ofSeconds(60)).until(() -> sink.rows() == 5000);
            assertThat(writers.waitingSubmitters()).isZero();
        }
    }
}
