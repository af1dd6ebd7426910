package io.batchpipeline.observability;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.batchpipeline.observability.PipelineStats.RejectReason;
import io.batchpipeline.record.FlushReason;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * One pipeline's meters in Micrometer, tagged {@code pipeline}; Prometheus names end up as
 * {@code batch_pipeline_records_written_total} and so on. Counters read the pipeline's own counters when scraped, so
 * they cost the pipeline nothing per record; the histograms take one sample per batch.
 */
public final class PipelineMetrics {

    /** SQLSTATE classes a failure is counted under; any other under "other". */
    static final List<String> FAILURE_KINDS = List.of("08", "40", "42", "53", "57", "none", "other");

    /** What the pipeline's parts can tell at any moment. */
    public record Gauges(IntSupplier openBatchRecords, IntSupplier writersBusy, int writers, LongSupplier sourceWaitNanos,
            BufferDepth buffer, LongSupplier filesWaiting) {
    }

    private PipelineMetrics() {
    }

    public static void bind(MeterRegistry registry, PipelineStats stats, SinkHealth health, Gauges gauges) {
        Tags tags = Tags.of("pipeline", stats.pipeline());
        counter(registry, "batch.pipeline.records.read", "records read from the source", tags, stats, PipelineStats::recordsRead);
        counter(registry, "batch.pipeline.records.written", "records written to the sink", tags, stats, PipelineStats::rowsWritten);
        counter(registry, "batch.pipeline.records.passed.through", "of the records written, those that went as their source text, unparsed",
                tags, stats, PipelineStats::rowsPassedThrough);
        for (RejectReason reason : RejectReason.values()) {
            counter(registry, "batch.pipeline.records.rejected", "records sent to the dead-letter endpoint, by reason",
                    tags.and("reason", reason.label()), stats, s -> s.rejected(reason));
        }
        for (FlushReason reason : FlushReason.values()) {
            counter(registry, "batch.pipeline.batches", "batches written, by why they closed", tags.and("reason", reason.label()),
                    stats, s -> s.batches(reason));
        }
        for (String kind : FAILURE_KINDS) {
            counter(registry, "batch.pipeline.sink.failures", "failed attempts at the database (retried), by SQLSTATE class",
                    tags.and("sqlstate_class", kind), health, h -> failures(h, kind));
        }
        FunctionCounter.builder("batch.pipeline.source.wait", gauges.sourceWaitNanos(), s -> s.getAsLong() / 1e9)
                .description("seconds the source spent waiting for room in the hand-off to the writers (backpressure)")
                .baseUnit("seconds").tags(tags).register(registry);
        gauge(registry, "batch.pipeline.open.batch.records", "records in the open batch", tags, () -> gauges.openBatchRecords().getAsInt());
        gauge(registry, "batch.pipeline.writers.busy", "writers writing a batch now", tags, () -> gauges.writersBusy().getAsInt());
        gauge(registry, "batch.pipeline.writers", "writers of the pipeline", tags, gauges::writers);
        gauge(registry, "batch.pipeline.buffer.batches", "batches in the durable buffer", tags, () -> gauges.buffer().depth().batches());
        gauge(registry, "batch.pipeline.buffer.records", "records in the durable buffer", tags, () -> gauges.buffer().depth().records());
        gauge(registry, "batch.pipeline.buffer.oldest.age.seconds", "age of the oldest batch in the durable buffer", tags,
                () -> gauges.buffer().depth().oldestAgeMillis() / 1000.0);
        gauge(registry, "batch.pipeline.source.files.waiting", "files in the input folder not yet taken (file sources)", tags,
                () -> gauges.filesWaiting().getAsLong());
        gauge(registry, "batch.pipeline.sink.up", "1 while the sink answers, 0 while it is down", tags,
                () -> health.downReason() == null ? 1 : 0);

        DistributionSummary batchRecords = DistributionSummary.builder("batch.pipeline.batch.records")
                .description("records per written batch").tags(tags)
                .serviceLevelObjectives(1, 10, 100, 500, 1000, 5000, 10000).register(registry);
        Timer writeTime = Timer.builder("batch.pipeline.batch.write").description("time to write one batch, retries included")
                .tags(tags).serviceLevelObjectives(ms(10), ms(50), ms(100), ms(250), ms(500), ms(1000), ms(2500), ms(10000))
                .register(registry);
        Timer lateness = Timer.builder("batch.pipeline.timeout.lateness")
                .description("how late after its deadline a batch closed by timeout closed").tags(tags)
                .serviceLevelObjectives(ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(1000)).register(registry);
        stats.observe((records, writeNanos, latenessMillis) -> {
            batchRecords.record(records);
            writeTime.record(writeNanos, TimeUnit.NANOSECONDS);
            if (latenessMillis >= 0) {
                lateness.record(latenessMillis, TimeUnit.MILLISECONDS);
            }
        });
    }

    private static <T> void counter(MeterRegistry registry, String name, String description, Tags tags, T source,
            ToDoubleFunction<T> count) {
        FunctionCounter.builder(name, source, count).description(description).tags(tags).register(registry);
    }

    private static void gauge(MeterRegistry registry, String name, String description, Tags tags,
            Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }

    private static double failures(SinkHealth health, String kind) {
        if (!"other".equals(kind)) {
            LongAdder count = health.failures().get(kind);
            return count == null ? 0 : count.sum();
        }
        return health.failures().entrySet().stream().filter(e -> !FAILURE_KINDS.contains(e.getKey()))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
