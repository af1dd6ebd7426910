package io.batchpipeline.config;

import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.batchpipeline.batching.FlushOnStop;
import io.batchpipeline.deadletter.DeadLetters;
import io.batchpipeline.observability.PipelineRegistry;
import io.batchpipeline.observability.ProgressLog;
import io.batchpipeline.observability.RunSummary;
import io.batchpipeline.source.NatsSourceComponent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * Checks the application-wide settings and binds what every pipeline shares: the stats registry, the
 * dead-letter sender and the registry of pipelines. Each pipeline's own parts are created by the route template
 * ({@link Pipeline}), from its parameters, when Camel creates its route.
 */
public class PipelineConfiguration implements CamelConfiguration {

    static final String STATS = "pipelineStats";
    static final String DEAD_LETTERS = "deadLetters";
    static final String PIPELINES = "pipelines";
    /** The name under which camel-micrometer-prometheus looks for, or binds, its registry: ours, so both share it. */
    static final String METRICS = "metricsRegistry";
    static final String PROGRESS = "progressLog";
    /** One thread for the progress log and the sink probes; Camel shuts it down on stop. */
    static final String OBSERVER = "pipelineObserver";

    @Override
    public void configure(CamelContext context) {
        Settings settings = Settings.application(context.getPropertiesComponent());
        // checked here, before any route starts, so that a bad value stops startup with its key named
        Arrays.stream(Setting.values()).filter(s -> s.parameter() == null).forEach(settings::validate);

        Registry registry = context.getRegistry();
        PipelineRegistry stats = new PipelineRegistry();
        registry.bind(STATS, stats);
        DeadLetters deadLetters = new DeadLetters();
        deadLetters.setCamelContext(context);
        registry.bind(DEAD_LETTERS, deadLetters);
        registry.bind(PIPELINES, new Pipelines());

        if (settings.bool(Setting.MANAGEMENT_ENABLED) && registry.lookupByNameAndType(METRICS, MeterRegistry.class) == null) {
            registry.bind(METRICS, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        }
        ScheduledExecutorService observer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "observer");
        registry.bind(OBSERVER, observer);
        int progressInterval = settings.intValue(Setting.PROGRESS_INTERVAL);
        if (progressInterval > 0) {
            ProgressLog progress = new ProgressLog();
            registry.bind(PROGRESS, progress);
            observer.scheduleWithFixedDelay(progress, progressInterval, progressInterval, TimeUnit.MILLISECONDS);
        }

        MainServerHttpEngine.bindIfServerEnabled(context);
        // before any nats: endpoint is made: its JetStream consumers then acknowledge once the records are written
        context.addComponent(NatsSourceComponent.SCHEME, new NatsSourceComponent());

        context.getManagementStrategy().addEventNotifier(new FlushOnStop(context));
        context.getManagementStrategy().addEventNotifier(new RunSummary(stats));
    }
}
