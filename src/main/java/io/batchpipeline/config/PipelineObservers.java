package io.batchpipeline.config;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.batchpipeline.common.Errors;
import io.batchpipeline.observability.PipelineMetrics;
import io.batchpipeline.observability.PipelineReadiness;
import io.batchpipeline.observability.PipelineStats;
import io.batchpipeline.observability.ProgressLog;
import io.batchpipeline.observability.SinkHealth;
import io.batchpipeline.observability.WriterLiveness;
import io.batchpipeline.sink.BatchSink;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;

import static io.batchpipeline.config.Setting.MAX_BUFFERED_BATCHES;
import static io.batchpipeline.config.Setting.MAX_WRITE_TIME;

/**
 * Shows one pipeline to whatever watches this application: its metrics, its health checks, the progress log; and
 * probes its sink while nothing is written, so that readiness knows a database that went away from an idle pipeline.
 */
final class PipelineObservers {

    /** How often an idle sink is probed. */
    static final long PROBE_INTERVAL_MILLIS = 5000;

    private PipelineObservers() {
    }

    /** @param sourceDown why the source cannot read now, or null while it can */
    static void watch(CamelContext context, PipelineStats stats, BatchSink<?> sink, SinkHealth health, Supplier<String> sourceDown,
            PipelineMetrics.Gauges gauges) {
        Settings settings = Settings.application(context.getPropertiesComponent());
        MeterRegistry meters = context.getRegistry().lookupByNameAndType(PipelineConfiguration.METRICS, MeterRegistry.class);
        if (meters != null) {
            PipelineMetrics.bind(meters, stats, health, gauges);
        }
        HealthCheckRegistry checks = HealthCheckRegistry.get(context);
        if (checks != null) {
            checks.register(new PipelineReadiness(stats.pipeline(), health, sourceDown, gauges.buffer(), settings.intValue(MAX_BUFFERED_BATCHES)));
            checks.register(new WriterLiveness(stats.pipeline(), health, settings.longValue(MAX_WRITE_TIME)));
        }
        ProgressLog progress = context.getRegistry().lookupByNameAndType(PipelineConfiguration.PROGRESS, ProgressLog.class);
        if (progress != null) {
            progress.watch(stats, health, gauges);
        }
        ScheduledExecutorService observer = context.getRegistry().lookupByNameAndType(PipelineConfiguration.OBSERVER,
                ScheduledExecutorService.class);
        observer.scheduleWithFixedDelay(() -> probe(sink, health), PROBE_INTERVAL_MILLIS, PROBE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static void probe(BatchSink<?> sink, SinkHealth health) {
        if (!health.idleFor(PROBE_INTERVAL_MILLIS)) {
            return; // writes say how the sink is doing, and a probe must not take a connection a writer needs
        }
        try {
            sink.probe();
            health.probed(null);
        } catch (Exception e) {
            health.probed(sink.describe() + " cannot be reached: " + Errors.describe(e));
        }
    }
}
